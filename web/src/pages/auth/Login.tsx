import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { auth } from '../../api/endpoints'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field } from '../../components/Field'
import { Link } from '../../components/Link'
import { useSession } from '../../lib/session'
import { toApiError } from '../../lib/useAsync'
import { AuthShell } from './AuthShell'

export function Login() {
  const { signedIn } = useSession()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      // The router then sends the signed-in user on (to ?next= or their start page).
      signedIn(await auth.login(email.trim(), password))
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  return (
    <AuthShell title="Sign in" intro="Welcome back. Sign in to see and file your tickets.">
      <form class="form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} title="Could not sign in." />
        <Field
          id="login-email"
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onInput={setEmail}
          required
        />
        <Field
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={setPassword}
          required
        />
        <p class="auth-forgot">
          <Link href="/forgot-password">Forgot password?</Link>
        </p>
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="auth-switch">
        New here? <Link href={`/register${location.search}`}>Create an account</Link>
      </p>
    </AuthShell>
  )
}
