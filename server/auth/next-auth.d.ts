import type { Role } from "@/server/generated/prisma/enums";

declare module "next-auth" {
  interface User {
    id: string;
    email: string;
    name: string;
    username: string;
    role: Role;
    sessionVersion: number;
  }

  interface Session {
    user: {
      id: string;
      email: string;
      name: string;
      username: string;
      role: Role;
    };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sub?: string;
    role?: Role;
    username?: string;
    sessionVersion?: number;
  }
}
