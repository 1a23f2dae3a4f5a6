import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { skills as skillsApi, users } from '../../api/endpoints'
import type { User } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Select } from '../../components/Field'
import { Link } from '../../components/Link'
import { Skeleton } from '../../components/States'
import { announce } from '../../lib/announce'
import { toApiError, useAsync } from '../../lib/useAsync'

export const PROFICIENCY_LABEL = [
  '',
  '1 · Beginner',
  '2 · Basic',
  '3 · Competent',
  '4 · Proficient',
  '5 · Expert',
]
const LEVELS = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: PROFICIENCY_LABEL[n] ?? String(n) }))

interface Row {
  name: string
  proficiency: number
}

/** PUT /api/users/:id/skills replaces the whole set: edit locally, then save once. */
export function SkillsEditor({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const catalog = useAsync(() => skillsApi.list(), [])
  const original = user.skills.map((s) => ({ name: s.name, proficiency: s.proficiency }))
  const [rows, setRows] = useState<Row[]>(original)
  const [adding, setAdding] = useState('')
  const [addLevel, setAddLevel] = useState('3')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  useEffect(() => setRows(user.skills.map((s) => ({ name: s.name, proficiency: s.proficiency }))), [user])

  const dirty = JSON.stringify(rows) !== JSON.stringify(original)
  const available = (catalog.data ?? []).filter(
    (s) => !rows.some((r) => r.name.toLowerCase() === s.name.toLowerCase()),
  )

  const save = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const saved = await users.setSkills(
        user.id,
        rows.map((r) => ({ skill: r.name, proficiency: r.proficiency })),
      )
      onSaved(saved)
      announce('Skills saved.', 'success')
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  const add = (event: Event) => {
    event.preventDefault()
    if (!adding) return
    setRows([...rows, { name: adding, proficiency: Number(addLevel) }])
    setAdding('')
  }

  return (
    <section class="card" aria-labelledby="skills-editor-title">
      <h2 id="skills-editor-title" class="card-title">
        Skills and proficiency
      </h2>
      <p class="muted card-intro">
        Tickets are assigned to active moderators and admins whose skills match the ticket’s related skills,
        the more proficient the better.{' '}
        {user.role === 'user' && 'This user is not staff, so skills have no effect yet.'}
      </p>
      <ErrorMessage error={error} title="Could not save the skills." />
      {rows.length === 0 ? (
        <p class="muted">No skills yet.</p>
      ) : (
        <ul class="skill-rows">
          {rows.map((row, i) => (
            <li key={row.name} class="skill-row">
              <span class="skill-row-name">{row.name}</span>
              <Select
                id={`skill-level-${i}`}
                label={`Proficiency in ${row.name}`}
                compact
                value={String(row.proficiency)}
                options={LEVELS}
                onChange={(value) =>
                  setRows(rows.map((r) => (r.name === row.name ? { ...r, proficiency: Number(value) } : r)))
                }
              />
              <button
                type="button"
                class="button button-small button-ghost"
                aria-label={`Remove ${row.name}`}
                onClick={() => setRows(rows.filter((r) => r.name !== row.name))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {catalog.error && <ErrorMessage error={catalog.error} title="Could not load the skills catalog." />}
      {!catalog.data && !catalog.error && <Skeleton lines={1} label="Loading the skills catalog…" />}
      {catalog.data && (
        <form class="skill-add" onSubmit={add}>
          <Select
            id="skill-add-name"
            label="Add a skill"
            compact
            value={adding}
            options={[
              { value: '', label: available.length ? 'Choose a skill…' : 'No more skills in the catalog' },
              ...available.map((s) => ({ value: s.name, label: s.name })),
            ]}
            onChange={setAdding}
          />
          <Select
            id="skill-add-level"
            label="Proficiency"
            compact
            value={addLevel}
            options={LEVELS}
            onChange={setAddLevel}
          />
          <button type="submit" class="button button-secondary" disabled={!adding}>
            Add
          </button>
        </form>
      )}
      <p class="muted small">
        Missing a skill? Add it to the <Link href="/admin/skills">skills catalog</Link> first.
      </p>
      <div class="form-actions">
        <button
          type="button"
          class="button button-secondary"
          disabled={!dirty || busy}
          onClick={() => setRows(original)}
        >
          Discard changes
        </button>
        <button
          type="button"
          class="button button-primary"
          disabled={!dirty || busy}
          onClick={() => void save()}
        >
          {busy ? 'Saving…' : 'Save skills'}
        </button>
      </div>
    </section>
  )
}
