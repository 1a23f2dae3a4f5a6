// "Were you satisfied?": when a ticket closes its requester is emailed a link that carries a
// token (the only credential: no sign-in). Reading the survey (GET) never writes, because mail
// filters follow links to scan them; only the page's confirming POST records a rating.
import type { Db, DbOrTx, Tx } from '../../db/client.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError, notFound } from '../../errors.js'
import { recordHistory } from '../tickets/ticket.service.js'
import * as repo from './satisfaction.repository.js'
import type { RateInput, SatisfactionDto, SurveyDto } from './satisfaction.schemas.js'

/** A first answer is taken this long after the survey was sent. */
export const SURVEY_OPEN_DAYS = 30
/** An answer may be changed this long after the first one. */
export const SATISFACTION_CHANGE_DAYS = 7

export const SURVEY_NOT_FOUND = 'Survey not found'
export const RATING_LOCKED = 'This rating can no longer be changed'
export const SURVEY_CLOSED = 'This survey has closed'

const DAY_MS = 86_400_000
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

export const surveyLink = (appUrl: string, token: string, rating: 'good' | 'bad') =>
  `${appUrl}/satisfaction/${encodeURIComponent(token)}?rating=${rating}`

/**
 * Starts the survey of a ticket that just closed, inside the closing transaction: returns the
 * token for the email, or undefined when the ticket was surveyed before (one survey per ticket).
 */
export async function openSurvey(tx: DbOrTx, ticketId: string): Promise<string | undefined> {
  const token = repo.newSurveyToken()
  return (await repo.insertSurvey(tx, ticketId, token)) ? token : undefined
}

function toSatisfactionDto(survey: repo.SurveyRow): SatisfactionDto | null {
  if (!survey.rating || !survey.ratedAt) return null
  return { rating: survey.rating, comment: survey.comment, rated_at: survey.ratedAt }
}

/** Until when the survey takes an answer: 30 days for the first, then 7 days after the first. */
function rateUntil(survey: repo.SurveyRow): Date {
  return survey.firstRatedAt
    ? new Date(survey.firstRatedAt.getTime() + SATISFACTION_CHANGE_DAYS * DAY_MS)
    : new Date(survey.createdAt.getTime() + SURVEY_OPEN_DAYS * DAY_MS)
}

function toSurveyDto(survey: repo.SurveyRow): SurveyDto {
  const until = rateUntil(survey)
  return {
    ticket: { number: survey.number, title: survey.title },
    satisfaction: toSatisfactionDto(survey),
    can_rate: survey.now < until,
    rate_until: until,
  }
}

async function findSurvey(db: Db | Tx, token: string, forUpdate = false) {
  // Not a token we could have made: no query, the same 404 as an unknown one.
  const survey = TOKEN_SHAPE.test(token) ? await repo.findSurveyByToken(db, token, { forUpdate }) : undefined
  if (!survey) throw notFound(SURVEY_NOT_FOUND)
  return survey
}

/** What the survey page shows. Reads only. */
export async function getSurvey(db: Db, token: string): Promise<SurveyDto> {
  return toSurveyDto(await findSurvey(db, token))
}

/**
 * Records (or changes) the answer, with a history event by the requester. Past the window: 409
 * (the answer stays what it was).
 */
export async function rate(db: Db, token: string, input: RateInput): Promise<SurveyDto> {
  return inTransaction(db, async (tx) => {
    const survey = await findSurvey(tx, token, true)
    if (survey.now >= rateUntil(survey))
      throw new AppError('CONFLICT', survey.firstRatedAt ? RATING_LOCKED : SURVEY_CLOSED)
    const comment = input.comment?.trim() ? input.comment.trim() : null
    await repo.saveRating(tx, survey.ticketId, { rating: input.rating, comment })
    await recordHistory(tx, [
      {
        ticketId: survey.ticketId,
        actorId: survey.requesterId,
        type: 'satisfaction_rated',
        fromValue: survey.rating,
        toValue: input.rating,
        details: comment ? { comment } : null,
      },
    ])
    const saved = await findSurvey(tx, token)
    return toSurveyDto(saved)
  })
}
