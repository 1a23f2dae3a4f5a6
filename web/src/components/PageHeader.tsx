import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'

/**
 * The page's <h1> and title. After an in-app navigation App moves focus to the h1
 * (id "page-title"), so screen-reader and keyboard users start at the new page's top.
 */
export function PageHeader(props: {
  title: string
  subtitle?: ComponentChildren
  actions?: ComponentChildren
  documentTitle?: string
}) {
  const docTitle = props.documentTitle ?? props.title
  useEffect(() => {
    document.title = `${docTitle} · Smart Ticket System`
  }, [docTitle])
  return (
    <div class="page-header">
      <div class="page-header-text">
        <h1 id="page-title" tabIndex={-1}>
          {props.title}
        </h1>
        {props.subtitle && <div class="page-subtitle">{props.subtitle}</div>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  )
}
