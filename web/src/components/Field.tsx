import type { ComponentChildren } from 'preact'

export interface LengthRule {
  min: number
  max: number
}

/** The server's rule (values are trimmed before they are checked), in words; undefined when met. */
export function lengthProblem(label: string, value: string, rule: LengthRule): string | undefined {
  const n = value.trim().length
  if (n < rule.min) {
    return n === 0 && rule.min > 0
      ? `${label} is required`
      : `${label} needs at least ${rule.min} characters (${n} so far)`
  }
  if (n > rule.max) return `${label} can be at most ${rule.max} characters (${n - rule.max} too many)`
  return undefined
}

interface FieldProps {
  id: string
  label: string
  value: string
  onInput: (value: string) => void
  multiline?: boolean
  rows?: number
  type?: 'text' | 'email' | 'password' | 'search'
  autoComplete?: string
  hint?: ComponentChildren
  /** Shows a live "n / max" counter of the trimmed length. */
  rule?: LengthRule
  /** A problem to show under the field (only when `showError`), in the hint's place so nothing moves. */
  error?: string
  showError?: boolean
  required?: boolean
  placeholder?: string
  /** The id of a <datalist> of suggestions. */
  list?: string
}

export function Field(props: FieldProps) {
  const { id, label, value, rule, error, showError } = props
  const n = value.trim().length
  const counterState = rule ? (n > rule.max ? 'over' : n < rule.min ? 'under' : 'ok') : undefined
  const visibleError = showError ? error : undefined
  const describedBy = [visibleError ? `${id}-error` : props.hint && `${id}-hint`, rule && `${id}-count`]
    .filter(Boolean)
    .join(' ')
  const common = {
    id,
    name: id,
    value,
    required: props.required,
    placeholder: props.placeholder,
    list: props.list,
    autoComplete: props.autoComplete,
    'aria-invalid': visibleError ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    onInput: (event: Event) => props.onInput((event.currentTarget as HTMLInputElement).value),
  }
  return (
    <div class={`field${visibleError ? ' has-error' : ''}`}>
      <div class="field-top">
        <label for={id}>{label}</label>
        {rule && (
          <span id={`${id}-count`} class={`counter counter-${counterState}`}>
            {n} / {rule.max}
            <span class="visually-hidden"> characters</span>
          </span>
        )}
      </div>
      {props.multiline ? (
        <textarea rows={props.rows ?? 5} {...common} />
      ) : (
        <input type={props.type ?? 'text'} {...common} />
      )}
      {visibleError ? (
        <p id={`${id}-error`} class="field-error">
          {visibleError}
        </p>
      ) : (
        props.hint && (
          <p id={`${id}-hint`} class="field-hint">
            {props.hint}
          </p>
        )
      )}
    </div>
  )
}

interface SelectProps<T extends string> {
  id: string
  label: string
  value: T | ''
  options: readonly { value: T | ''; label: string }[]
  onChange: (value: T | '') => void
  disabled?: boolean
  compact?: boolean
}

export function Select<T extends string>(props: SelectProps<T>) {
  return (
    <div class={`field${props.compact ? ' field-compact' : ''}`}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.id}
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value as T | '')}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}
