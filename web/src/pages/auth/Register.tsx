import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { auth } from '../../api/endpoints'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, lengthProblem } from '../../components/Field'
import { Link } from '../../components/Link'
import { useSession } from '../../lib/session'
import { toApiError } from '../../lib/useAsync'
import { AuthShell } from './AuthShell'

// The server's rules (api-contract.md: password 8-128, name 1-100 when given). The password is
// not trimmed by the server, so it is counted as typed.
const PASSWORD = { min: 8, max: 128 }

export function Register() {
  const { signedIn } = useSession()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
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
  const nameProblem = name.trim() ? lengthProblem('Name', name, { min: 1, max: 100 }) : undefined
  const emailProblem = /^\S+@\S+\.\S+$/.test(email.trim())
    ? undefined
    : 'Enter an email address like name@example.com'

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (passwordProblem || nameProblem || emailProblem) return
    setBusy(true)
    setError(undefined)
    try {
      signedIn(
        await auth.register({ email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) }),
      )
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  return (
    <AuthShell title="Create your account" intro="File tickets and follow them live.">
      <form class="form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} title="Could not create the account." />
        <Field
          id="register-name"
          label="Name (optional)"
          autoComplete="name"
          value={name}
          onInput={setName}
          error={nameProblem}
          showError={tried}
        />
        <Field
          id="register-email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onInput={setEmail}
          error={emailProblem}
          showError={tried}
          required
        />
        <Field
          id="register-password"
          label="Password"
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
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p class="auth-switch">
        Have an account? <Link href={`/login${location.search}`}>Sign in</Link>
      </p>
    </AuthShell>
  )
}
