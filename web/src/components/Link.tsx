import type { JSX } from 'preact'
import { followLink } from '../lib/router'

type Props = JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }

/** An ordinary link (keyboard, middle click, copy address all work) that navigates in-app. */
export function Link({ href, children, ...rest }: Props) {
  return (
    <a href={href} onClick={(event) => followLink(event, href)} {...rest}>
      {children}
    </a>
  )
}
