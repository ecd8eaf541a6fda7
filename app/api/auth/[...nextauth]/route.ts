import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { type OpenRequest, routeHandler } from "@/server/api/route-handler";
import { authOptions } from "@/server/auth/options";

const nextAuth = NextAuth(authOptions);

type NextAuthParams = { nextauth: string[] };

/** NextAuth's own sign-in, callback and session endpoints: open to anyone, NextAuth reads the route's params itself. */
const serve = (request: NextRequest, { context }: OpenRequest<NextAuthParams>): Promise<Response> => nextAuth(request, context);

export const GET = routeHandler<NextAuthParams>({ who: "anyone" }, serve);
export const POST = routeHandler<NextAuthParams>({ who: "anyone" }, serve);
