// Admin: service-level policies. The default applies to every ticket; skill policies apply to
// tickets needing their skill, tried in their order (first match wins).
import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { skills, slaPolicies } from '../../api/endpoints'
import type { SlaPolicy } from '../../api/types'
import { PRIORITIES } from '../../api/types'
import { formatBusinessMinutes } from '../../components/Badges'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { Skeleton } from '../../components/States'
import { announce } from '../../lib/announce'
import { toApiError, useAsync } from '../../lib/useAsync'
import { PRIORITY_LABEL } from '../../lib/workflow'
import { SlaPolicyForm } from './SlaPolicyForm'
import { DAY_NAMES } from './WeekEditor'

function describeHours(policy: SlaPolicy): string {
  const { hours } = policy.calendar
  if (hours.length === 0) return 'Around the clock'
  return [1, 2, 3, 4, 5, 6, 0]
    .map((day) => {
      const ranges = hours.filter((h) => h.day === day).map((h) => `${h.start}–${h.end}`)
      return ranges.length > 0 ? `${DAY_NAMES[day]?.slice(0, 3)} ${ranges.join(', ')}` : undefined
    })
    .filter(Boolean)
    .join(' · ')
}

function PolicyCard(props: { policy: SlaPolicy; onEdit: () => void; onDelete: () => void }) {
  const { policy } = props
  return (
    <li class="card skill-item" data-testid="sla-policy">
      <div class="skill-item-head">
        <h3 class="skill-item-name">{policy.name}</h3>
        <span class="muted small">
          {policy.is_default
            ? 'Default'
            : policy.skill
              ? `Skill: ${policy.skill} · order ${policy.position}`
              : 'No skill'}
        </span>
      </div>
      <p class="small">
        {policy.calendar.timezone} · {describeHours(policy)}
        {policy.calendar.holidays.length > 0 && ` · ${policy.calendar.holidays.length} holiday(s)`}
      </p>
      <ul class="chips chips-small" aria-label={`Targets of ${policy.name}`}>
        {PRIORITIES.map((p) => (
          <li key={p} class="chip">
            {PRIORITY_LABEL[p]}: first response{' '}
            {formatBusinessMinutes(policy.targets[p].first_response_minutes)}, resolution{' '}
            {formatBusinessMinutes(policy.targets[p].resolution_minutes)}
          </li>
        ))}
      </ul>
      <div class="button-row">
        <button
          type="button"
          class="button button-small button-secondary"
          onClick={props.onEdit}
          aria-label={`Edit ${policy.name}`}
        >
          Edit
        </button>
        {!policy.is_default && (
          <button
            type="button"
            class="button button-small button-danger-outline"
            onClick={props.onDelete}
            aria-label={`Delete ${policy.name}`}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  )
}

export function SlaPolicies() {
  const list = useAsync(() => slaPolicies.list(), [])
  const catalog = useAsync(() => skills.list(), [])
  const [editing, setEditing] = useState<string>()
  const [adding, setAdding] = useState(false)
  const [deleting, setDeleting] = useState<SlaPolicy>()
  const [busy, setBusy] = useState(false)
  const [deleteError, setDeleteError] = useState<ApiError>()

  const remove = async (policy: SlaPolicy) => {
    setBusy(true)
    setDeleteError(undefined)
    try {
      await slaPolicies.remove(policy.id)
      announce(`Deleted ${policy.name}.`, 'success')
      setDeleting(undefined)
      void list.reload()
    } catch (e) {
      setDeleteError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }
  const saved = (policy: SlaPolicy) => {
    announce(`Saved ${policy.name}.`, 'success')
    setEditing(undefined)
    setAdding(false)
    void list.reload()
  }

  return (
    <section>
      <PageHeader
        title="Service levels"
        subtitle="Response and resolution targets in business time. Tickets waiting for the customer or resolved do not use up time."
      />
      <ErrorMessage error={list.error ?? catalog.error} title="Could not load the policies." />
      {!list.data && !list.error && <Skeleton lines={4} />}
      {adding ? (
        <section class="card" aria-labelledby="new-sla-title">
          <h2 id="new-sla-title" class="card-title">
            New policy
          </h2>
          <SlaPolicyForm skills={catalog.data ?? []} onSaved={saved} onCancel={() => setAdding(false)} />
        </section>
      ) : (
        <div class="button-row">
          <button type="button" class="button" onClick={() => setAdding(true)}>
            Add a policy
          </button>
        </div>
      )}
      {list.data && (
        <ul class="skill-grid">
          {list.data.map((policy) =>
            editing === policy.id ? (
              <li key={policy.id} class="card skill-item">
                <h3 class="skill-item-name">Edit {policy.name}</h3>
                <SlaPolicyForm
                  policy={policy}
                  skills={catalog.data ?? []}
                  onSaved={saved}
                  onCancel={() => setEditing(undefined)}
                />
              </li>
            ) : (
              <PolicyCard
                key={policy.id}
                policy={policy}
                onEdit={() => setEditing(policy.id)}
                onDelete={() => setDeleting(policy)}
              />
            ),
          )}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete ${deleting?.name ?? 'policy'}?`}
        confirmLabel="Delete policy"
        busy={busy}
        error={deleteError}
        onCancel={() => {
          setDeleting(undefined)
          setDeleteError(undefined)
        }}
        onConfirm={() => deleting && void remove(deleting)}
      >
        <p>Tickets under it keep no service level; new tickets get the default or another skill policy.</p>
      </ConfirmDialog>
    </section>
  )
}
