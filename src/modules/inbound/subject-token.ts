// The ticket reference in a subject: "[#1042]", as every email we send carries it. Replies keep
// it even when a mail client drops In-Reply-To/References.

/** The ticket number in a subject's `[#N]` token (the last one, as "Re: [#12] Fwd: [#40]" means 40). */
export function parseTicketToken(subject: string): number | undefined {
  const matches = [...subject.matchAll(/\[#(\d{1,12})\]/g)]
  const last = matches.at(-1)?.[1]
  if (last === undefined) return undefined
  const number = Number(last)
  return Number.isSafeInteger(number) && number > 0 ? number : undefined
}
