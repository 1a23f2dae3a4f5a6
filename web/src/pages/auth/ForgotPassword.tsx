import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { auth } from '../../api/endpoints'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field } from '../../components/Field'
import { Link } from '../../components/Link'
import { announce } from '../../lib/announce'
import { toApiError } from '../../lib/useAsync'
import { AuthShell } from './AuthShell'

/** Asks for an email and sends a reset link; the answer never says whether the account exists. */
export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [sentTo, setSentTo] = useState<string>()
  const emailProblem = /^\S+@\S+\.\S+$/.test(email.trim())
    ? undefined
    : 'Enter an email address like name@example.com'

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (emailProblem) return
    setBusy(true)
    setError(undefined)
    try {
      await auth.forgotPassword(email.trim())
      setSentTo(email.trim())
      announce('Check your email for a reset link.', 'success')
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  if (sentTo) {
    return (
      <AuthShell title="Check your email" intro="One more step.">
        <p role="status" class="auth-sent">
          If an account exists for <strong>{sentTo}</strong>, we sent it a link to choose a new password. The
          link works once, for 60 minutes. Nothing arrived? Check your spam folder, or ask again.
        </p>
        <p class="auth-switch">
          <Link href="/login">Back to sign in</Link>
        </p>
      </AuthShell>
    )
  }
  return (
    <AuthShell title="Forgot your password?" intro="Enter your email and we will send you a reset link.">
      <form class="form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} title="Could not send the link." />
        <Field
          id="forgot-email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onInput={setEmail}
          error={emailProblem}
          showError={tried}
          required
        />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
      <p class="auth-switch">
        Remembered it? <Link href="/login">Sign in</Link>
      </p>
    </AuthShell>
  )
}
