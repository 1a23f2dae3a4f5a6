import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { type SkillInput, skills } from '../../api/endpoints'
import type { Skill } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, lengthProblem } from '../../components/Field'
import { toApiError } from '../../lib/useAsync'

const NAME_RULE = { min: 2, max: 100 }
const DESCRIPTION_RULE = { min: 0, max: 500 }

/** "vpn, wi-fi, dns" → ["vpn", "wi-fi", "dns"]: commas separate, so a keyword may hold spaces. */
export function parseKeywords(text: string): string[] {
  const seen = new Set<string>()
  return text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0 && !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()))
}

/** Create (no `skill`) or edit a catalog skill. */
export function SkillForm(props: { skill?: Skill; onSaved: (skill: Skill) => void; onCancel?: () => void }) {
  const editing = props.skill
  const [name, setName] = useState(editing?.name ?? '')
  const [description, setDescription] = useState(editing?.description ?? '')
  const [keywords, setKeywords] = useState(editing?.keywords.join(', ') ?? '')
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const nameProblem = lengthProblem('Name', name, NAME_RULE)
  const descriptionProblem = lengthProblem('Description', description, DESCRIPTION_RULE)
  const prefix = editing ? `skill-${editing.id.slice(0, 8)}` : 'new-skill'

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (nameProblem || descriptionProblem) return
    const input: SkillInput = {
      name: name.trim(),
      description: description.trim() || null,
      keywords: parseKeywords(keywords),
    }
    setBusy(true)
    setError(undefined)
    try {
      const saved = editing ? await skills.update(editing.id, input) : await skills.create(input)
      props.onSaved(saved)
      if (!editing) {
        setName('')
        setDescription('')
        setKeywords('')
        setTried(false)
      }
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="form skill-form" onSubmit={submit} noValidate>
      <ErrorMessage
        error={error}
        title={editing ? 'Could not save the skill.' : 'Could not add the skill.'}
      />
      <div class="form-grid">
        <Field
          id={`${prefix}-name`}
          label="Name"
          value={name}
          onInput={setName}
          rule={NAME_RULE}
          error={nameProblem}
          showError={tried}
          required
        />
        <Field
          id={`${prefix}-keywords`}
          label="Keywords"
          value={keywords}
          onInput={setKeywords}
          hint="Comma-separated words that point to this skill in a ticket, e.g. vpn, wi-fi, dns."
        />
      </div>
      <Field
        id={`${prefix}-description`}
        label="Description (optional)"
        multiline
        rows={2}
        value={description}
        onInput={setDescription}
        rule={DESCRIPTION_RULE}
        error={descriptionProblem}
        showError={tried || description.trim().length > DESCRIPTION_RULE.max}
      />
      <div class="form-actions">
        {props.onCancel && (
          <button type="button" class="button button-secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save skill' : 'Add skill'}
        </button>
      </div>
    </form>
  )
}
