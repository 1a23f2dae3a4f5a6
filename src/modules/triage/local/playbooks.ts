// Troubleshooting playbooks per vocabulary area. A topic's steps are used when one of its
// trigger terms (spelled exactly as in vocabulary.ts; a test checks this) matched the ticket,
// so a VPN ticket gets VPN steps rather than generic networking advice.
import type { Impact } from './priority.js'
import { type AreaId, terms } from './vocabulary.js'

export interface Topic {
  when: string[]
  steps: string[]
}

export interface Playbook {
  topics: Topic[]
  /** Steps that apply to any ticket of the area, used after topic steps. */
  general: string[]
}

export const PLAYBOOKS: Record<AreaId, Playbook> = {
  networking: {
    topics: [
      {
        when: terms(
          'vpn, virtual private network, anyconnect, globalprotect, forticlient, openvpn, wireguard, vpn client, tunnel, ipsec, site-to-site, vnp',
        ),
        steps: [
          'Check the VPN gateway status and concentrator logs for the user and time reported.',
          'Confirm the client version and that the user can reach the internet without the VPN.',
          'Look for expired certificates/credentials and for an MTU or split-tunnel change on the profile.',
        ],
      },
      {
        when: terms(
          'wifi, wi-fi, wi fi, wlan, wireless network, wireless, access point, ssid, guest wifi, guest network, hotspot, wify',
        ),
        steps: [
          'Identify the access point the device is associated with and check its client count, channel and signal levels.',
          'Compare with a wired connection or another device in the same spot to separate device from infrastructure.',
          'Check the controller logs for roaming, authentication or DHCP failures for that client.',
        ],
      },
      {
        when: terms('dns, dns server, nslookup, dig, hostname, nxdomain, resolve'),
        steps: [
          'Run nslookup/dig for the failing name against each configured DNS server and compare answers.',
          'Check the DNS servers handed out by DHCP/VPN and whether the internal zone is reachable from them.',
          'Flush the client resolver cache and retest.',
        ],
      },
      {
        when: terms('firewall, firewall rule, port, proxy, network port'),
        steps: [
          'Review firewall/proxy changes made around the time the problem started and the rule hit counters.',
          'Test the exact source, destination and port (e.g. with telnet/nc) to confirm where traffic is dropped.',
        ],
      },
      {
        when: terms('ethernet, network jack, network cable, switch port, link light, cable, switch, lan'),
        steps: [
          'Check the switch port status, errors and VLAN for the wall jack; patch to a known-good port to compare.',
        ],
      },
    ],
    general: [
      'Establish scope: one device, one location, or everyone? Check the monitoring dashboard for the site.',
      'Gather ipconfig/ifconfig output, ping and traceroute results to the gateway and a public address.',
      'Check for recent network changes or ISP incidents at the affected site.',
    ],
  },
  email: {
    topics: [
      {
        when: terms(
          'bounce, bounce back, ndr, undeliverable, spf, dkim, dmarc, mx record, smtp, mail gateway, mail flow, outgoing mail, inbound mail',
        ),
        steps: [
          'Run a message trace for an affected message and read the NDR/bounce code.',
          'Check SPF, DKIM and DMARC records for the sending domain and whether the sending IP is on a blocklist.',
          'Review the mail gateway queue and recent transport/connector changes.',
        ],
      },
      {
        when: terms('junk, junk folder, spam, spam folder'),
        steps: [
          'Check the message headers for spam verdicts and review the anti-spam policy and allow lists for the sender.',
        ],
      },
      {
        when: terms(
          'calendar, meeting invite, meeting invitation, calendar invite, invite, invitation, calender',
        ),
        steps: [
          'Check calendar processing settings and delegates on the mailbox; test with a fresh invitation from OWA.',
        ],
      },
      {
        when: terms('shared mailbox, distribution list, mailing list, delegate access'),
        steps: [
          'Verify the mailbox/list membership and permissions in the admin centre; allow time for auto-mapping or re-add manually.',
        ],
      },
      {
        when: terms('mailbox quota, quota, archive, attachment'),
        steps: [
          'Check the mailbox size and quota/attachment limits; offer archiving or a file-sharing link for large files.',
        ],
      },
      {
        when: terms('out of office, automatic reply, auto-reply, autoreply, email signature, signature'),
        steps: [
          'Point the user to the Outlook settings page for the feature and confirm the behaviour for internal vs external recipients.',
        ],
      },
    ],
    general: [
      'Confirm whether the problem is in Outlook desktop only or also in webmail (OWA) to separate client from server.',
      'Run a message trace for one example message (sender, recipient, time).',
      'Check service health for the mail platform and recent changes to the mailbox or client profile.',
    ],
  },
  auth: {
    topics: [
      {
        when: terms(
          'mfa, 2fa, two-factor, two factor, multi-factor, multi factor, authenticator, authenticator app, otp, one-time code, verification code, code, enroll, enrol, authenicator',
        ),
        steps: [
          'Check the sign-in logs for the MFA result and the registered methods on the account.',
          'If the device changed or codes are rejected, verify identity, then reset MFA registration so the user can re-enrol.',
          'For rejected time-based codes, check the device clock is set automatically.',
        ],
      },
      {
        when: terms(
          'sso, single sign-on, single sign on, saml, oauth, openid, oidc, okta, azure ad, entra id, login loop, redirect loop',
        ),
        steps: [
          'Check the identity provider status page and the sign-in log for the failing application.',
          'Compare the SAML/OIDC configuration (certificate, ACS/redirect URLs, clock skew) with the last working state.',
          'Capture a HAR or SAML trace from the user to see where the redirect loop or error occurs.',
        ],
      },
      {
        when: terms(
          'password, password reset, reset password, forgot password, password expired, change password, reset link, pasword, passwrod, passowrd',
        ),
        steps: [
          "Verify the user's identity before any reset, then check the password policy (length, complexity, history) against the error shown.",
          'Check that reset emails are sent and not filtered; issue a temporary password if the self-service flow fails.',
        ],
      },
      {
        when: terms('account locked, locked out, lockout, locked, unlock'),
        steps: [
          'Check the lockout source in the directory logs (old saved credentials on a phone often cause repeat lockouts), then unlock.',
        ],
      },
    ],
    general: [
      'Look up the user in the directory: account enabled, not expired, correct groups.',
      'Read the sign-in logs for the exact failure reason and time.',
      'Ask for the exact error text and whether other apps using the same login work.',
    ],
  },
  accounts: {
    topics: [
      {
        when: terms(
          'access denied, permission denied, permission, access rights, access right, share permission, read access, write access, read/write access, read-only access',
        ),
        steps: [
          "Compare the user's group memberships with a colleague who has access to find the missing group.",
          'Check whether a recent permission change on the resource removed the access.',
        ],
      },
      {
        when: terms('offboarding, deprovision, disable account, deactivate account, leaver'),
        steps: [
          'Disable the account, revoke sessions and tokens, and transfer ownership of files and mailboxes as per policy.',
        ],
      },
    ],
    general: [
      'Confirm the request is approved by the resource owner or manager before granting access.',
      'Grant access through a group rather than directly, and record the change on the ticket.',
    ],
  },
  database: {
    topics: [
      {
        when: terms('slow query, query, index, explain, seq scan, join, group by'),
        steps: [
          'Capture the slow query and run EXPLAIN (ANALYZE) to find sequential scans or bad row estimates.',
          'Check for missing indexes and stale statistics (ANALYZE/VACUUM) on the tables involved.',
        ],
      },
      {
        when: terms('replica, replication, replication lag, primary'),
        steps: [
          'Check replication status and lag on the replica, WAL/binlog throughput and long-running queries blocking replay.',
        ],
      },
      {
        when: terms('backup, restore, pg_dump, dump, drop table, dropped table, delete from, where clause'),
        steps: [
          'Stop further writes to the affected tables, then identify the latest good backup or point-in-time-recovery target.',
          'Restore to a separate instance first and copy the missing rows back, rather than overwriting production.',
        ],
      },
      {
        when: terms('connection pool, too many clients'),
        steps: [
          'Check active connections by application and state; look for leaked or idle-in-transaction sessions and the pool size.',
        ],
      },
      {
        when: terms('migration, schema'),
        steps: [
          'Compare the migration history table with the live schema to see which steps applied, then fix forward or roll back.',
        ],
      },
      {
        when: terms('deadlock, transaction'),
        steps: [
          'Read the deadlock report in the database log to find the competing statements and make them lock rows in the same order.',
        ],
      },
      {
        when: terms('data volume, wal, vacuum, tablespace'),
        steps: [
          'Check disk usage by table, WAL and logs; remove what is safe and extend the volume before writes fail.',
        ],
      },
    ],
    general: [
      'Check the database server health: CPU, memory, disk, connections and error log around the time reported.',
      'Identify which database, schema and tables are involved, and whether production data is affected.',
    ],
  },
  frontend: {
    topics: [
      {
        when: terms(
          'browser console, console error, uncaught typeerror, console, blank page, white page, white screen, javascript, js, react',
        ),
        steps: [
          'Reproduce with the browser console open and capture the full stack trace and the failing network request.',
          'Check whether the error started with the latest frontend release and whether a rollback fixes it.',
        ],
      },
      {
        when: terms('safari, firefox, chrome, edge, browser'),
        steps: [
          'Reproduce in the reported browser and version; compare with another browser to confirm it is browser-specific.',
        ],
      },
      {
        when: terms(
          'layout, page layout, responsive, css, overlap, misaligned, alignment, font, logo, image, broken image',
        ),
        steps: [
          "Reproduce at the reported window size/zoom and inspect the element's CSS; check the asset URLs for 404s.",
        ],
      },
    ],
    general: [
      'Get the page URL, browser and version, and a screenshot of the problem.',
      'Try a hard refresh or private window to rule out cached assets and extensions.',
      'Check the frontend error monitoring for the same error across other users.',
    ],
  },
  backend: {
    topics: [
      {
        when: terms(
          'internal server error, http 500, exception, nullpointerexception, outofmemoryerror, heap, stack trace, server crash',
        ),
        steps: [
          'Find the failing requests in the service logs by time and route, and read the stack trace.',
          'Check whether the failures began with a deploy or config change; roll back if they did.',
          'For memory errors, check heap usage over time and take a heap dump before the next restart.',
        ],
      },
      {
        when: terms('webhook, integration, partner'),
        steps: [
          'Check the webhook delivery log for attempts, response codes and retries, and confirm the target URL and signing secret.',
        ],
      },
      {
        when: terms('rate limit, too many requests, throttling, http 429'),
        steps: [
          "Check the rate-limit configuration and the client's request volume; agree on a higher limit or backoff if justified.",
        ],
      },
      {
        when: terms('api key, api token, unauthorized, http 401'),
        steps: [
          "Check the token's scopes, expiry and the clock skew; try the same call with a freshly issued token from the admin UI.",
        ],
      },
      {
        when: terms('timeout, time out, gateway timeout, response time, graphql'),
        steps: [
          'Trace a slow request end to end (APM) to find the slow dependency: database, downstream service or payload size.',
        ],
      },
      {
        when: terms('idempotency, idempotent, duplicate, retry'),
        steps: [
          'Confirm the duplicates in the data, then make the endpoint idempotent (idempotency key) before re-enabling client retries.',
        ],
      },
    ],
    general: [
      'Reproduce the call (method, path, payload) against staging and production and compare.',
      'Check service health dashboards: error rate, latency and saturation around the reported time.',
      'Check recent deploys and config changes for the service.',
    ],
  },
  hardware: {
    topics: [
      {
        when: terms(
          'printer, print job, toner, ink, cartridge, paper jam, print, printing, paper, printr, priner, pinter',
        ),
        steps: [
          "Check the printer's own display/web page for errors and the print queue on the server for stuck jobs.",
          'Power-cycle the printer, clear the queue, and check trays and consumables.',
          'If the fault persists, log a vendor service call with the printer model and error shown.',
        ],
      },
      {
        when: terms('scanner, scan, copier, multifunction, mfp'),
        steps: [
          "Check the device's scan-to-email SMTP settings and credentials against the current mail relay configuration.",
        ],
      },
      {
        when: terms(
          'laptop, desktop, pc, computer, thinkpad, macbook, power on, turn on, battery, charger, overheating, overheat, fan, labtop, latop',
        ),
        steps: [
          'Try a known-good charger and a hard reset (hold power 30 s); note any lights or beep codes.',
          'Check the device warranty status and arrange a loaner if the user is blocked from working.',
        ],
      },
      {
        when: terms(
          'monitor, hdmi, displayport, dock, docking station, usb-c, second monitor, external monitor, screen, display',
        ),
        steps: [
          'Swap cable and port, update dock firmware and graphics drivers, and test the monitor on another machine.',
        ],
      },
      {
        when: terms('headset, microphone, mic, webcam, speakers, headphones, keyboard, mouse'),
        steps: [
          'Check the device is selected in the OS and app settings and try it on another USB port or machine.',
        ],
      },
    ],
    general: [
      'Record the asset tag, model and warranty status.',
      'Ask what changed (drops, spills, updates) and try the device with another machine or cable.',
      'Arrange a replacement or loaner if the user cannot work.',
    ],
  },
  billing: {
    topics: [
      {
        when: terms('charged twice, double charge, double charged, duplicate charge, refund, chargeback'),
        steps: [
          'Find both charges in the payment provider dashboard and confirm which one is the duplicate.',
          'Refund the duplicate and tell the customer when it will show on their statement.',
        ],
      },
      {
        when: terms(
          'payment, card declined, payment failed, payment method, payment intent, stripe, paypal, checkout, credit card, card',
        ),
        steps: [
          'Check the payment provider dashboard for the failing payments and their decline or error codes.',
          "Check the provider's status page and any recent change to the checkout integration.",
        ],
      },
      {
        when: terms(
          'invoice, invoicing, vat, tax, po number, purchase order, credit note, currency, billing email',
        ),
        steps: [
          "Check the customer's billing profile (address, VAT ID, currency, PO) and reissue the invoice or a credit note if it was wrong.",
        ],
      },
      {
        when: terms('subscription, renewal, seats, seat, plan, upgrade, downgrade, proration, prorated'),
        steps: [
          'Review the subscription history (plan changes, seat counts, proration) against what was invoiced.',
        ],
      },
    ],
    general: [
      'Identify the customer account and the invoice or transaction IDs involved.',
      'Compare what was charged with the plan and contract, and correct it with a refund or credit note.',
      'Reply with the outcome and the expected timeline.',
    ],
  },
  security: {
    topics: [
      {
        when: terms(
          'phishing, phish, spear phishing, smishing, suspicious email, suspicious link, spoofed, spoofing, fake login, fake, scam, impersonation, phising',
        ),
        steps: [
          'Get the original message as an attachment (with headers) and block the sender domain and URLs.',
          'Search all mailboxes for the same message and remove it; find who clicked or replied.',
          'If credentials were entered: reset the password, revoke sessions and check MFA and sign-in logs.',
        ],
      },
      {
        when: terms(
          'malware, virus, ransomware, ransom, trojan, spyware, adware, infected, antivirus, defender, quarantine, pop-up, popup, decrypt',
        ),
        steps: [
          'Isolate the affected machine from the network (keep it powered on for forensics).',
          'Check the EDR/antivirus console for the detection, process tree and other machines with the same indicator.',
          "For encrypted files: disable the affected accounts' access to shares and identify the last clean backups.",
        ],
      },
      {
        when: terms('stolen, theft, lost device'),
        steps: [
          'Remotely lock and wipe the device, confirm disk encryption status, and revoke its sessions and certificates.',
        ],
      },
      {
        when: terms(
          'compromised, hacked, new sign-in, sign-in alert, login alert, unauthorized access, unauthorised access, brute force, still has access, left the company',
        ),
        steps: [
          'Disable or reset the account, revoke all sessions and tokens, and review the sign-in and audit logs for what was accessed.',
        ],
      },
      {
        when: terms(
          "breach, data breach, privacy breach, data leak, leaked, exposed, pii, personal data, another customer's, someone else's, secret key",
        ),
        steps: [
          'Contain the exposure (rotate keys, disable the faulty feature), preserve logs, and inform the data protection officer about notification duties.',
        ],
      },
    ],
    general: [
      'Do not let the reporter forward the suspicious item or keep using the affected system.',
      'Preserve evidence: timestamps, logs, the original message or file hash.',
      'Follow the incident response process and escalate to the security lead if data may be exposed.',
    ],
  },
  devops: {
    topics: [
      {
        when: terms(
          'deploy, deployment, rollback, roll back, release pipeline, bad gateway, 502 bad gateway',
        ),
        steps: [
          'Compare the failing release with the last good one (image tag, config, migrations) and roll back if customers are affected.',
          'Check the load balancer target health and the application logs of the new version.',
        ],
      },
      {
        when: terms(
          'pipeline, ci, ci/cd, github actions, gitlab, jenkins, circleci, runner, build agent, build, docker push, registry',
        ),
        steps: [
          'Open the failing job log and check whether it fails at the same step every time.',
          'Check runner/agent health (disk, credentials, registry access) and any recent change to the pipeline definition.',
        ],
      },
      {
        when: terms('kubernetes, k8s, kubectl, pod, helm, crashloopbackoff, container, docker'),
        steps: [
          'Run kubectl describe and kubectl logs --previous on the failing pods and check recent events.',
          'Verify the dependencies the pods need (config, secrets, databases, caches) are reachable from the cluster.',
        ],
      },
      {
        when: terms('certificate, ssl certificate, tls certificate, cert, letsencrypt'),
        steps: [
          'Check the certificate expiry and chain, renew it (or fix the auto-renewal job) and reload the services that use it.',
        ],
      },
      {
        when: terms('terraform, ansible, state lock'),
        steps: [
          'Confirm no apply is still running before force-unlocking the state, then re-run plan to check for drift.',
        ],
      },
      {
        when: terms('disk space, disk usage, disk full, disk'),
        steps: [
          'Find the largest directories (logs, caches, old images) and clean up; add an alert before the disk fills again.',
        ],
      },
      {
        when: terms('aws, azure, gcp, google cloud, ec2, s3, lambda, instance'),
        steps: [
          "Check the cloud provider's status page and the resource inventory/cost explorer for the affected account and region.",
        ],
      },
      {
        when: terms('cron, cron job, systemd'),
        steps: [
          "Check the scheduler logs and the job's last exit code; run it manually once to confirm it works.",
        ],
      },
    ],
    general: [
      'Check monitoring and alerts for the affected hosts or services around the reported time.',
      'List recent infrastructure and deployment changes.',
      'Confirm whether production is affected and open an incident if it is.',
    ],
  },
  mobile: {
    topics: [
      {
        when: terms('push notification, notification'),
        steps: [
          'Check the push provider (APNs/FCM) delivery logs for the device token and whether the token is still registered.',
        ],
      },
      {
        when: terms('app store, play store, google play, apk, app version'),
        steps: [
          'Check the store console for the release status, country availability and device compatibility of the current build.',
        ],
      },
    ],
    general: [
      'Get the app version, OS version and device model, and whether it happens on Wi-Fi and mobile data.',
      'Check the crash reporting console for matching crashes after the latest release.',
      'Reproduce on the same OS version; try reinstalling or clearing the app data.',
    ],
  },
  software: {
    topics: [
      {
        when: terms('install, installation, installer, uninstall'),
        steps: [
          'Check the software is on the approved list, then install it through the software centre or with admin rights.',
        ],
      },
      {
        when: terms('license, licence'),
        steps: ['Check license assignment for the user in the admin portal and the number of free seats.'],
      },
    ],
    general: [
      'Get the application name and version and the exact error shown.',
      'Check for pending updates and whether a repair or reinstall fixes it.',
    ],
  },
}

/** Used when the ticket matches no area at all. */
export const GENERIC_STEPS: readonly string[] = [
  'Ask the reporter for the exact error message, when it started and what changed just before.',
  'Reproduce the problem and check whether other users are affected.',
  'Check the logs and monitoring of the system involved around the reported time.',
]

/** First step of a high-priority ticket, by the kind of impact that made it high. */
export const IMPACT_STEPS: Record<Impact, string | undefined> = {
  security:
    'Contain first: isolate affected machines or accounts and involve the security lead before further changes.',
  wide: 'Treat as an incident: confirm how many users are affected, notify the on-call owner and post a status update.',
  outage:
    'Treat as an incident: confirm what is down and since when, notify the on-call owner and post a status update.',
  data: 'Protect what is left: stop jobs or writes touching the affected data and secure the latest backups before any recovery.',
  money:
    'Quantify the money involved (customers, amounts, time window) and stop further wrong charges before correcting past ones.',
  legal: 'Note the legal or compliance deadline on the ticket and involve the legal/compliance owner now.',
  // A reporter saying "urgent" changes the order of work, not the steps.
  urgent: undefined,
}
