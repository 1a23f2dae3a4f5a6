import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { users } from '../../api/endpoints'
import { ROLES, type Role, type User } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, Select } from '../../components/Field'
import { toApiError } from '../../lib/useAsync'
import { ROLE_LABEL } from '../../lib/workflow'

/** POST /api/users: an admin adds a user of any role directly. */
export function CreateUser(props: { onCreated: (user: User) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [role, setRole] = useState<Role>('moderator')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      props.onCreated(
        await users.create({
          email: email.trim(),
          password,
          role,
          ...(name.trim() ? { name: name.trim() } : {}),
        }),
      )
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  return (
    <form class="card form create-user" onSubmit={submit} aria-labelledby="create-user-title" noValidate>
      <h2 id="create-user-title" class="card-title">
        Add a user
      </h2>
      <ErrorMessage error={error} title="Could not add the user." />
      <div class="form-grid">
        <Field
          id="new-user-email"
          label="Email"
          type="email"
          autoComplete="off"
          value={email}
          onInput={setEmail}
          required
        />
        <Field id="new-user-name" label="Name (optional)" autoComplete="off" value={name} onInput={setName} />
        <Field
          id="new-user-password"
          label="Initial password"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={setPassword}
          hint="8 to 128 characters. Share it with them safely."
          required
        />
        <Select
          id="new-user-role"
          label="Role"
          value={role}
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
          onChange={(value) => value && setRole(value)}
        />
      </div>
      <div class="form-actions">
        <button type="button" class="button button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  )
}
