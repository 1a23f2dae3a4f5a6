import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { skills } from '../../api/endpoints'
import type { Skill } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { EmptyState, Skeleton } from '../../components/States'
import { announce } from '../../lib/announce'
import { toApiError, useAsync } from '../../lib/useAsync'
import { SkillForm } from './SkillForm'

function SkillItem(props: { skill: Skill; onEdit: () => void; onDelete: () => void }) {
  const { skill } = props
  return (
    <li class="card skill-item">
      <div class="skill-item-head">
        <h3 class="skill-item-name">{skill.name}</h3>
        <span class="muted small">
          {skill.moderator_count} moderator{skill.moderator_count === 1 ? '' : 's'}
        </span>
      </div>
      {skill.description && <p class="skill-item-description">{skill.description}</p>}
      {skill.keywords.length > 0 ? (
        <ul class="chips chips-small" aria-label={`Keywords of ${skill.name}`}>
          {skill.keywords.map((k) => (
            <li key={k} class="chip">
              {k}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">No keywords.</p>
      )}
      <div class="button-row">
        <button
          type="button"
          class="button button-small button-secondary"
          onClick={props.onEdit}
          aria-label={`Edit ${skill.name}`}
        >
          Edit
        </button>
        <button
          type="button"
          class="button button-small button-danger-outline"
          onClick={props.onDelete}
          aria-label={`Delete ${skill.name}`}
        >
          Delete
        </button>
      </div>
    </li>
  )
}

export function Skills() {
  const list = useAsync(() => skills.list(), [])
  const [editing, setEditing] = useState<string>()
  const [deleting, setDeleting] = useState<Skill>()
  const [busy, setBusy] = useState(false)
  const [deleteError, setDeleteError] = useState<ApiError>()

  const remove = async (skill: Skill) => {
    setBusy(true)
    setDeleteError(undefined)
    try {
      await skills.remove(skill.id)
      announce(`Deleted ${skill.name}.`, 'success')
      setDeleting(undefined)
      void list.reload()
    } catch (e) {
      setDeleteError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section>
      <PageHeader
        title="Skills catalog"
        subtitle="The analysis picks a ticket’s related skills from here, and assignment matches them to moderators’ skills."
      />
      <section class="card" aria-labelledby="new-skill-title">
        <h2 id="new-skill-title" class="card-title">
          Add a skill
        </h2>
        <SkillForm
          onSaved={(skill) => {
            announce(`Added ${skill.name}.`, 'success')
            void list.reload()
          }}
        />
      </section>
      <h2 class="section-title">
        {list.data ? `${list.data.length} skill${list.data.length === 1 ? '' : 's'}` : 'Skills'}
      </h2>
      <ErrorMessage error={list.error} title="Could not load the skills." />
      {!list.data && !list.error && <Skeleton lines={4} />}
      {list.data?.length === 0 && (
        <div class="card">
          <EmptyState title="No skills yet">Add the first one above.</EmptyState>
        </div>
      )}
      {list.data && list.data.length > 0 && (
        <ul class="skill-grid">
          {list.data.map((skill) =>
            editing === skill.id ? (
              <li key={skill.id} class="card skill-item">
                <h3 class="skill-item-name">Edit {skill.name}</h3>
                <SkillForm
                  skill={skill}
                  onCancel={() => setEditing(undefined)}
                  onSaved={(saved) => {
                    announce(`Saved ${saved.name}.`, 'success')
                    setEditing(undefined)
                    void list.reload()
                  }}
                />
              </li>
            ) : (
              <SkillItem
                key={skill.id}
                skill={skill}
                onEdit={() => setEditing(skill.id)}
                onDelete={() => setDeleting(skill)}
              />
            ),
          )}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete ${deleting?.name ?? 'skill'}?`}
        confirmLabel="Delete skill"
        busy={busy}
        error={deleteError}
        onCancel={() => {
          setDeleting(undefined)
          setDeleteError(undefined)
        }}
        onConfirm={() => deleting && void remove(deleting)}
      >
        <p>
          It is removed from the catalog and from every moderator who has it
          {deleting && deleting.moderator_count > 0 ? ` (${deleting.moderator_count} now)` : ''}. Tickets keep
          their related skills as text.
        </p>
      </ConfirmDialog>
    </section>
  )
}
