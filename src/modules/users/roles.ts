import type { UserRole } from '../../db/schema.js'

export const STAFF_ROLES: readonly UserRole[] = ['moderator', 'admin']

/** Moderators and admins see and work every ticket. */
export const isStaff = (user: { role: UserRole }) => STAFF_ROLES.includes(user.role)
