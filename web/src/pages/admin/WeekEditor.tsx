// The weekly opening hours of an SLA calendar: several ranges a day, Monday first, each range two
// labelled time inputs; "around the clock" stands for no ranges at all.
import type { OpeningRange } from '../../api/types'

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0]

export function WeekEditor(props: {
  idPrefix: string
  hours: OpeningRange[]
  onChange: (hours: OpeningRange[]) => void
}) {
  const { idPrefix, hours, onChange } = props
  const update = (index: number, patch: Partial<OpeningRange>) =>
    onChange(hours.map((range, i) => (i === index ? { ...range, ...patch } : range)))
  const remove = (index: number) => onChange(hours.filter((_, i) => i !== index))
  const add = (day: number) => {
    const last = hours.filter((r) => r.day === day).at(-1)
    const range = last
      ? { day, start: last.end === '24:00' ? '23:00' : last.end, end: '24:00' }
      : { day, start: '09:00', end: '17:00' }
    onChange([...hours, range])
  }
  return (
    <ul class="sla-week" aria-label="Opening hours by day">
      {WEEK_ORDER.map((day) => {
        const ranges = hours
          .map((range, index) => ({ range, index }))
          .filter(({ range }) => range.day === day)
        const name = DAY_NAMES[day] ?? ''
        return (
          <li key={day} class="sla-day">
            <strong>{name}</strong>
            <div>
              {ranges.length === 0 && <span class="muted small">Closed </span>}
              {ranges.map(({ range, index }, n) => {
                const id = `${idPrefix}-d${day}-${n}`
                return (
                  <span key={index} class="sla-range">
                    <label class="visually-hidden" for={`${id}-start`}>
                      {name} range {n + 1} opens
                    </label>
                    <input
                      id={`${id}-start`}
                      type="time"
                      value={range.start}
                      onInput={(e) => update(index, { start: (e.currentTarget as HTMLInputElement).value })}
                    />
                    <span aria-hidden="true">–</span>
                    <label class="visually-hidden" for={`${id}-end`}>
                      {name} range {n + 1} closes
                    </label>
                    <input
                      id={`${id}-end`}
                      type="time"
                      value={range.end === '24:00' ? '23:59' : range.end}
                      onInput={(e) => {
                        const value = (e.currentTarget as HTMLInputElement).value
                        // 23:59 is the last the time input offers: it means "till midnight".
                        update(index, { end: value === '23:59' ? '24:00' : value })
                      }}
                    />
                    <button
                      type="button"
                      class="button button-small button-ghost"
                      onClick={() => remove(index)}
                      aria-label={`Remove ${name} range ${n + 1}`}
                    >
                      Remove
                    </button>
                  </span>
                )
              })}
              <button
                type="button"
                class="button button-small button-secondary"
                onClick={() => add(day)}
                aria-label={`Add a range on ${name}`}
              >
                Add range
              </button>
            </div>
          </li>
        )
      })}
    </ul>
  )
}
