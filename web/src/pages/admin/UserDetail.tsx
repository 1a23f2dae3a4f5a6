import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { users } from '../../api/endpoints'
import { ROLES, type Role, type User } from '../../api/types'
import { ActiveBadge, RoleBadge } from '../../components/Badges'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, Select } from '../../components/Field'
import { Link } from '../../components/Link'
import { PageHeader } from '../../components/PageHeader'
import { Skeleton } from '../../components/States'
import { DateTime } from '../../components/Time'
import { announce } from '../../lib/announce'
import { useSession } from '../../lib/session'
import { toApiError, useAsync } from '../../lib/useAsync'
import { ROLE_LABEL } from '../../lib/workflow'
import { SkillsEditor } from './SkillsEditor'

function AccountCard({ user, onSaved }: { user: User; onSaved: (u: User) => void }) {
  const { user: viewer } = useSession()
  const [name, setName] = useState(user.name ?? '')
  const [role, setRole] = useState<Role>(user.role)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [confirmDeactivate, setConfirmDeactivate] = useState(false)
  useEffect(() => {
    setName(user.name ?? '')
    setRole(user.role)
  }, [user])

  const patch = async (change: { role?: Role; is_active?: boolean; name?: string | null }, done: string) => {
    setBusy(true)
    setError(undefined)
    try {
      onSaved(await users.update(user.id, change))
      announce(done, 'success')
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
      setConfirmDeactivate(false)
    }
  }

  const dirty = role !== user.role || name.trim() !== (user.name ?? '')
  const self = viewer?.id === user.id
  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title" class="card-title">
        Account
      </h2>
      <ErrorMessage error={error} title="The change was not saved." />
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault()
          const change: { role?: Role; name?: string | null } = {}
          if (role !== user.role) change.role = role
          if (name.trim() !== (user.name ?? '')) change.name = name.trim() || null
          void patch(
            change,
            role !== user.role ? `${user.email} is now ${ROLE_LABEL[role].toLowerCase()}.` : 'Saved.',
          )
        }}
      >
        <div class="form-grid">
          <Field id="user-name" label="Name" value={name} onInput={setName} />
          <Select
            id="user-role"
            label="Role"
            value={role}
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
            onChange={(value) => value && setRole(value)}
          />
        </div>
        {self && role !== 'admin' && (
          <p class="alert alert-warning">You are changing your own role: you will lose admin pages.</p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={!dirty || busy}>
            Save
          </button>
        </div>
      </form>
      <div class="panel-block panel-danger">
        {user.is_active ? (
          <button
            type="button"
            class="button button-danger-outline"
            disabled={busy}
            onClick={() => setConfirmDeactivate(true)}
          >
            Deactivate account…
          </button>
        ) : (
          <button
            type="button"
            class="button button-secondary"
            disabled={busy}
            onClick={() => void patch({ is_active: true }, `${user.email} is active again.`)}
          >
            Activate account
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirmDeactivate}
        title={`Deactivate ${user.email}?`}
        confirmLabel="Deactivate"
        busy={busy}
        onCancel={() => setConfirmDeactivate(false)}
        onConfirm={() => void patch({ is_active: false }, `${user.email} is deactivated.`)}
      >
        <p>
          They are signed out everywhere at once, cannot sign in, and get no new tickets assigned. You can
          activate them again later.
        </p>
      </ConfirmDialog>
    </section>
  )
}

export function UserDetail({ id }: { id: string }) {
  const user = useAsync(() => users.get(id), [id])
  const u = user.data
  return (
    <section>
      <p class="breadcrumb">
        <Link href="/admin/users">← Users</Link>
      </p>
      <PageHeader
        title={u ? (u.name ?? u.email) : user.error ? 'User' : 'Loading user…'}
        subtitle={
          u ? (
            <span class="inline-list">
              {u.name && <span>{u.email}</span>}
              <RoleBadge role={u.role} />
              <ActiveBadge active={u.is_active} />
              <span>
                joined <DateTime iso={u.created_at} />
              </span>
            </span>
          ) : (
            '\u00a0'
          )
        }
        actions={
          u && (
            <Link class="button button-secondary" href={`/admin/emails?to=${encodeURIComponent(u.email)}`}>
              Emails to this user
            </Link>
          )
        }
      />
      <ErrorMessage error={user.error} />
      {!u && !user.error && <Skeleton lines={6} />}
      {u && (
        <div class="two-columns">
          <AccountCard user={u} onSaved={user.setData} />
          <SkillsEditor user={u} onSaved={user.setData} />
        </div>
      )}
    </section>
  )
}
