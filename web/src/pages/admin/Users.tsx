import { useState } from 'preact/hooks'
import { users } from '../../api/endpoints'
import { ROLES, type Role, type User } from '../../api/types'
import { ActiveBadge, RoleBadge } from '../../components/Badges'
import { type Column, DataTable } from '../../components/DataTable'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Select } from '../../components/Field'
import { Link } from '../../components/Link'
import { PageHeader } from '../../components/PageHeader'
import { Pagination, useClampPage } from '../../components/Pagination'
import { SearchBox } from '../../components/SearchBox'
import { EmptyState } from '../../components/States'
import { readPage } from '../../components/TicketFilters'
import { RelativeTime } from '../../components/Time'
import { announce } from '../../lib/announce'
import { formatNumber } from '../../lib/format'
import { navigate, setQuery, useLocation } from '../../lib/router'
import { useAsync } from '../../lib/useAsync'
import { ROLE_LABEL } from '../../lib/workflow'
import { CreateUser } from './CreateUser'

const PAGE_SIZE = 20

const COLUMNS: Column<User>[] = [
  {
    label: 'User',
    primary: true,
    cell: (u) => (
      <>
        <Link class="row-title" href={`/admin/users/${u.id}`}>
          {u.name ?? u.email}
        </Link>
        {u.name && <span class="row-sub">{u.email}</span>}
      </>
    ),
  },
  { label: 'Role', cell: (u) => <RoleBadge role={u.role} /> },
  { label: 'Status', cell: (u) => <ActiveBadge active={u.is_active} /> },
  {
    label: 'Skills',
    cell: (u) =>
      u.skills.length === 0 ? (
        <span class="muted">—</span>
      ) : (
        <ul class="chips chips-small">
          {u.skills.map((s) => (
            <li key={s.id} class="chip">
              {s.name} <span class="chip-level">{s.proficiency}</span>
            </li>
          ))}
        </ul>
      ),
  },
  { label: 'Joined', cell: (u) => <RelativeTime iso={u.created_at} /> },
]

export function Users() {
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const roleParam = query.get('role')
  const role = ROLES.find((r) => r === roleParam)
  const page = readPage(query.get('page'))
  const [creating, setCreating] = useState(false)
  const list = useAsync(
    () => users.list({ q: q || undefined, role, page, limit: PAGE_SIZE }),
    [q, role, page],
  )
  const total = list.data?.meta.total
  useClampPage(list.data?.meta, list.data?.items.length ?? 0, (p) => setQuery({ page: p }))

  return (
    <section>
      <PageHeader
        title="Users"
        subtitle={total === undefined ? '\u00a0' : `${formatNumber(total)} user${total === 1 ? '' : 's'}`}
        actions={
          !creating && (
            <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
              Add user
            </button>
          )
        }
      />
      {creating && (
        <CreateUser
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            announce(`Added ${user.email}.`, 'success')
            navigate(`/admin/users/${user.id}`)
          }}
        />
      )}
      <fieldset class="toolbar">
        <legend class="visually-hidden">Filters</legend>
        <SearchBox
          id="users-q"
          label="Search"
          placeholder="Email or name"
          value={q}
          onSearch={(text) => setQuery({ q: text, page: undefined })}
        />
        <Select<Role>
          id="users-role"
          label="Role"
          compact
          value={role ?? ''}
          options={[
            { value: '', label: 'Any role' },
            ...ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] })),
          ]}
          onChange={(value) => setQuery({ role: value, page: undefined })}
        />
      </fieldset>
      <ErrorMessage error={list.error} title="Could not load the users." />
      <DataTable
        caption="Users"
        columns={COLUMNS}
        rows={list.data?.items}
        busy={list.loading && list.data !== undefined}
        empty={<EmptyState title={q || role ? 'No users match' : 'No users yet'} />}
      />
      {list.data && <Pagination meta={list.data.meta} onPage={(p) => setQuery({ page: p })} />}
    </section>
  )
}
