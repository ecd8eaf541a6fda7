import { type OutgoingEmail, sendEmail } from "@/server/integrations/email";

/**
 * Sends an email after its change committed. Best effort: the change stands whether or not mail works, and the
 * pages show the truth; a failure is logged with what the email was about.
 */
export async function sendAfterCommit(message: OutgoingEmail, about: string): Promise<void> {
  try {
    await sendEmail(message);
  } catch (error) {
    console.error(`${about}: email "${message.subject}" to ${message.to} not sent`, error);
  }
}
