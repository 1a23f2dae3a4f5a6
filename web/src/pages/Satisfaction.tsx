import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../api/client'
import { satisfaction } from '../api/endpoints'
import type { SatisfactionRating, Survey } from '../api/types'
import { ErrorMessage } from '../components/ErrorMessage'
import { Field, lengthProblem } from '../components/Field'
import { PageHeader } from '../components/PageHeader'
import { Skeleton } from '../components/States'
import { DateTime } from '../components/Time'
import { useLocation } from '../lib/router'
import { toApiError, useAsync } from '../lib/useAsync'

const COMMENT_RULE = { min: 0, max: 2000 }
const LABELS: Record<SatisfactionRating, string> = {
  good: 'Good, I am satisfied',
  bad: 'Bad, I am not satisfied',
}

const asRating = (value: string | null): SatisfactionRating | undefined =>
  value === 'good' || value === 'bad' ? value : undefined

/**
 * The emailed "Were you satisfied?" link. Opening it records nothing (mail filters open links
 * to scan them): the answer the link chose is preselected, and only the button sends it.
 */
export function SatisfactionPage({ token }: { token: string }) {
  const { query } = useLocation()
  const survey = useAsync(() => satisfaction.get(token), [token])
  const [rating, setRating] = useState<SatisfactionRating | undefined>(asRating(query.get('rating')))
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [thanked, setThanked] = useState(false)

  // An earlier answer fills the form, so changing it starts from what was said.
  const previous = survey.data?.satisfaction
  useEffect(() => {
    if (!previous) return
    setRating((current) => (query.get('rating') ? current : previous.rating))
    setComment(previous.comment ?? '')
  }, [previous?.rated_at])

  const problem = lengthProblem('Comment', comment, COMMENT_RULE)
  const submit = async (event: Event) => {
    event.preventDefault()
    if (!rating || problem) return
    setBusy(true)
    setError(undefined)
    try {
      survey.setData(await satisfaction.rate(token, rating, comment))
      setThanked(true)
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="satisfaction">
      <div class="card satisfaction-card">
        <PageHeader
          title="How did we do?"
          subtitle={survey.data ? <SurveyTicket survey={survey.data} /> : undefined}
        />
        {survey.loading && !survey.data && <Skeleton lines={3} />}
        {survey.error && (
          <ErrorMessage
            error={survey.error}
            title={survey.error.status === 404 ? 'This link is not valid.' : 'Could not load the survey.'}
          />
        )}
        {survey.data && (
          <Answer
            survey={survey.data}
            thanked={thanked}
            form={
              survey.data.can_rate ? (
                <form class="form" onSubmit={submit} noValidate>
                  <ErrorMessage error={error} title="Could not save your answer." />
                  <fieldset class="rating-choice">
                    <legend>Were you satisfied with how your ticket was handled?</legend>
                    {(['good', 'bad'] as const).map((value) => (
                      <label
                        key={value}
                        class={`rating-option rating-${value}${rating === value ? ' is-chosen' : ''}`}
                      >
                        <input
                          type="radio"
                          name="rating"
                          value={value}
                          checked={rating === value}
                          onChange={() => setRating(value)}
                        />
                        <span>{LABELS[value]}</span>
                      </label>
                    ))}
                  </fieldset>
                  <Field
                    id="satisfaction-comment"
                    label="Comment (optional)"
                    multiline
                    rows={4}
                    value={comment}
                    onInput={setComment}
                    rule={COMMENT_RULE}
                    error={problem}
                    showError
                    hint="What went well, or what should we do better?"
                  />
                  <button type="submit" class="button button-primary" disabled={busy || !rating || !!problem}>
                    {busy ? 'Sending…' : survey.data.satisfaction ? 'Update my answer' : 'Send my answer'}
                  </button>
                </form>
              ) : undefined
            }
          />
        )}
      </div>
    </section>
  )
}

function SurveyTicket({ survey }: { survey: Survey }) {
  return (
    <>
      About ticket <strong>#{survey.ticket.number}</strong>: {survey.ticket.title}
    </>
  )
}

function Answer(props: { survey: Survey; thanked: boolean; form: preact.ComponentChildren }) {
  const { survey, thanked } = props
  const answer = survey.satisfaction
  return (
    <>
      {answer && (
        <div
          class={`notice ${thanked ? 'notice-success' : ''}`}
          role="status"
          data-testid="satisfaction-answer"
        >
          {thanked && <p class="notice-line satisfaction-thanks">Thank you for your feedback!</p>}
          <p class="notice-line">
            Your answer: <strong>{answer.rating === 'good' ? 'Good' : 'Bad'}</strong>
            {answer.comment && <> — “{answer.comment}”</>}
          </p>
        </div>
      )}
      {survey.can_rate ? (
        <p class="muted small">
          {answer ? 'You can change your answer until ' : 'This survey is open until '}
          <DateTime iso={survey.rate_until} />.
        </p>
      ) : (
        <p class="muted" data-testid="satisfaction-closed">
          {answer ? 'This answer can no longer be changed.' : 'This survey has closed.'}
        </p>
      )}
      {props.form}
    </>
  )
}
