import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { auth } from '../../api/endpoints'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field } from '../../components/Field'
import { Link } from '../../components/Link'
import { announce } from '../../lib/announce'
import { homeFor } from '../../lib/home'
import { navigate, useLocation } from '../../lib/router'
import { useSession } from '../../lib/session'
import { toApiError } from '../../lib/useAsync'
import { AuthShell } from './AuthShell'

// The server's rule (as at registration); counted as typed, the server does not trim passwords.
const PASSWORD = { min: 8, max: 128 }

/** The emailed link's page: a new password, then signed in and sent home. */
export function ResetPassword() {
  const { signedIn } = useSession()
  const token = useLocation().query.get('token') ?? ''
  const [password, setPassword] = useState('')
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  const passwordProblem =
    password.length < PASSWORD.min
      ? `Password needs at least ${PASSWORD.min} characters (${password.length} so far)`
      : password.length > PASSWORD.max
        ? `Password can be at most ${PASSWORD.max} characters`
        : undefined

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (passwordProblem) return
    setBusy(true)
    setError(undefined)
    try {
      const user = await auth.resetPassword(token, password)
      signedIn(user)
      announce('Password changed. You are signed in.', 'success')
      navigate(homeFor(user), { replace: true })
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  if (!token) {
    return (
      <AuthShell title="Reset your password" intro="This page needs the link from your email.">
        <p class="auth-sent">
          Open the link in the reset email again, or <Link href="/forgot-password">ask for a new one</Link>.
        </p>
      </AuthShell>
    )
  }
  return (
    <AuthShell title="Choose a new password" intro="You will be signed in, and signed out everywhere else.">
      <form class="form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} title="Could not reset the password." />
        {error?.message === 'Invalid or expired token' && (
          <p class="auth-sent">
            This link was already used or is more than an hour old.{' '}
            <Link href="/forgot-password">Ask for a new link</Link>.
          </p>
        )}
        <Field
          id="reset-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={setPassword}
          hint="At least 8 characters."
          error={passwordProblem}
          showError={tried}
          required
        />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Saving…' : 'Set password and sign in'}
        </button>
      </form>
    </AuthShell>
  )
}
