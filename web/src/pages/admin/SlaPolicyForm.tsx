// Create or edit an SLA policy: name, default or skill, order, targets per priority (business
// minutes), and the calendar (time zone, weekly hours, holidays).
import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { slaPolicies } from '../../api/endpoints'
import type { OpeningRange, Priority, Skill, SlaPolicy, SlaPolicyInput } from '../../api/types'
import { PRIORITIES } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, Select } from '../../components/Field'
import { toApiError } from '../../lib/useAsync'
import { PRIORITY_LABEL } from '../../lib/workflow'
import { WeekEditor } from './WeekEditor'

type Targets = SlaPolicyInput['targets']

const OFFICE_HOURS: OpeningRange[] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }))
const DEFAULT_TARGETS: Targets = {
  low: { first_response_minutes: 480, resolution_minutes: 2400 },
  medium: { first_response_minutes: 240, resolution_minutes: 960 },
  high: { first_response_minutes: 60, resolution_minutes: 480 },
}

/** Every zone the browser knows, for the time-zone field's suggestions. */
function zoneNames(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC']
}

export function SlaPolicyForm(props: {
  policy?: SlaPolicy
  skills: Skill[]
  onSaved: (policy: SlaPolicy) => void
  onCancel?: () => void
}) {
  const editing = props.policy
  const prefix = editing ? `sla-${editing.id.slice(0, 8)}` : 'new-sla'
  const [name, setName] = useState(editing?.name ?? '')
  const [skill, setSkill] = useState(editing?.skill ?? '')
  const [position, setPosition] = useState(String(editing?.position ?? 0))
  const [makeDefault, setMakeDefault] = useState(editing?.is_default ?? false)
  const [timezone, setTimezone] = useState(
    editing?.calendar.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
  )
  const [hours, setHours] = useState<OpeningRange[]>(editing?.calendar.hours ?? OFFICE_HOURS)
  const [holidays, setHolidays] = useState<string[]>(editing?.calendar.holidays ?? [])
  const [newHoliday, setNewHoliday] = useState('')
  const [targets, setTargets] = useState<Targets>(editing?.targets ?? DEFAULT_TARGETS)
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const aroundTheClock = hours.length === 0
  const nameProblem = name.trim() === '' ? 'Give the policy a name.' : undefined

  const setTarget = (priority: Priority, key: keyof Targets['low'], value: string) =>
    setTargets({ ...targets, [priority]: { ...targets[priority], [key]: Number(value) } })

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (nameProblem) return
    const input: SlaPolicyInput = {
      name: name.trim(),
      position: Number(position) || 0,
      targets,
      calendar: { timezone: timezone.trim(), hours, holidays },
      // Only an existing default may stay one; the switch makes a policy the default.
      ...(makeDefault ? { is_default: true, skill: null } : { skill: skill || null }),
    }
    setBusy(true)
    setError(undefined)
    try {
      const saved = editing ? await slaPolicies.update(editing.id, input) : await slaPolicies.create(input)
      props.onSaved(saved)
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={editing ? `Edit ${editing.name}` : 'New SLA policy'}>
      <ErrorMessage error={error} title="Could not save the policy." />
      <Field
        id={`${prefix}-name`}
        label="Name"
        value={name}
        onInput={setName}
        error={nameProblem}
        showError={tried}
        required
      />
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={makeDefault}
            disabled={editing?.is_default}
            onChange={(e) => setMakeDefault((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Default policy (applies to every ticket no skill policy takes)
        </label>
      </div>
      {!makeDefault && (
        <>
          <Select
            id={`${prefix}-skill`}
            label="Applies to tickets needing the skill"
            value={skill}
            options={[
              { value: '', label: 'No skill (applies to nothing)' },
              ...props.skills.map((s) => ({ value: s.name, label: s.name })),
            ]}
            onChange={setSkill}
          />
          <div class="field">
            <label for={`${prefix}-position`}>Order</label>
            <input
              id={`${prefix}-position`}
              type="number"
              min={0}
              value={position}
              aria-describedby={`${prefix}-position-hint`}
              onInput={(e) => setPosition((e.currentTarget as HTMLInputElement).value)}
            />
            <p id={`${prefix}-position-hint`} class="field-hint">
              Skill policies are tried in this order (lowest first); the first that matches wins.
            </p>
          </div>
        </>
      )}
      <fieldset class="field">
        <legend>Targets (business minutes)</legend>
        <table class="sla-targets">
          <thead>
            <tr>
              <th class="sla-target-cell" scope="col">
                Priority
              </th>
              <th class="sla-target-cell" scope="col">
                First response
              </th>
              <th class="sla-target-cell" scope="col">
                Resolution
              </th>
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((p) => (
              <tr key={p}>
                <th class="sla-target-cell" scope="row">
                  {PRIORITY_LABEL[p]}
                </th>
                <td class="sla-target-cell">
                  <input
                    type="number"
                    min={1}
                    aria-label={`${PRIORITY_LABEL[p]} first response minutes`}
                    value={targets[p].first_response_minutes}
                    onInput={(e) =>
                      setTarget(p, 'first_response_minutes', (e.currentTarget as HTMLInputElement).value)
                    }
                  />
                </td>
                <td class="sla-target-cell">
                  <input
                    type="number"
                    min={1}
                    aria-label={`${PRIORITY_LABEL[p]} resolution minutes`}
                    value={targets[p].resolution_minutes}
                    onInput={(e) =>
                      setTarget(p, 'resolution_minutes', (e.currentTarget as HTMLInputElement).value)
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset class="field">
        <legend>Calendar</legend>
        <Field
          id={`${prefix}-timezone`}
          label="Time zone"
          value={timezone}
          onInput={setTimezone}
          hint="An IANA zone, such as Europe/Berlin"
          list={`${prefix}-zones`}
        />
        <datalist id={`${prefix}-zones`}>
          {zoneNames().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <label>
          <input
            type="checkbox"
            checked={aroundTheClock}
            onChange={(e) => setHours((e.currentTarget as HTMLInputElement).checked ? [] : OFFICE_HOURS)}
          />{' '}
          Around the clock (24/7)
        </label>
        {!aroundTheClock && <WeekEditor idPrefix={prefix} hours={hours} onChange={setHours} />}
        <div class="field">
          <label for={`${prefix}-holiday`}>Holidays</label>
          <span class="sla-range">
            <input
              id={`${prefix}-holiday`}
              type="date"
              value={newHoliday}
              onInput={(e) => setNewHoliday((e.currentTarget as HTMLInputElement).value)}
            />
            <button
              type="button"
              class="button button-small button-secondary"
              disabled={!newHoliday}
              onClick={() => {
                if (newHoliday && !holidays.includes(newHoliday))
                  setHolidays([...holidays, newHoliday].sort())
                setNewHoliday('')
              }}
            >
              Add holiday
            </button>
          </span>
          {holidays.length === 0 ? (
            <p class="muted small">No holidays.</p>
          ) : (
            <ul class="chips chips-small" aria-label="Holidays">
              {holidays.map((h) => (
                <li key={h} class="chip">
                  {h}{' '}
                  <button
                    type="button"
                    class="button button-small button-ghost"
                    aria-label={`Remove holiday ${h}`}
                    onClick={() => setHolidays(holidays.filter((x) => x !== h))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </fieldset>
      <div class="button-row">
        <button type="submit" class="button" disabled={busy}>
          {editing ? 'Save policy' : 'Add policy'}
        </button>
        {props.onCancel && (
          <button type="button" class="button button-secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  )
}
