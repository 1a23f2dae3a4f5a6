// Built-in vocabulary of IT-support language, grouped into areas. It is what lets the local
// provider route a ticket to a catalog skill whose own text never mentions the ticket's words
// ("can't reach the VPN" -> a skill named "Networking" with no keywords).
//
// Terms are written in their ordinary form; they are tokenised and stemmed by the same pipeline
// as tickets, so "printers", "printing" and "Printer" all hit "printer"/"print", and "wi-fi",
// "wi fi" and "wifi" are all listed because users write all three.
//
// Weights: strong terms (3) all but decide the area on their own ("vpn", "invoice"); medium (2)
// are clear hints that also occur elsewhere ("server", "card"); weak (1) only tip a balance
// ("slow", "page"). Typos are common misspellings seen in real tickets, weighted as medium.

export type AreaId =
  | 'networking'
  | 'email'
  | 'auth'
  | 'accounts'
  | 'database'
  | 'frontend'
  | 'backend'
  | 'hardware'
  | 'billing'
  | 'security'
  | 'devops'
  | 'mobile'
  | 'software'

export interface VocabularyArea {
  id: AreaId
  /** Returned as a skill name when no catalog skill fits. */
  label: string
  /** Words naming the area itself: a catalog skill named or keyworded with one of them is this area. */
  names: string[]
  strong: string[]
  medium: string[]
  weak: string[]
  typos: string[]
}

/** Splits a comma/newline separated term list (kept as text so the data stays readable). */
export function terms(list: string): string[] {
  return list
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
}

export const TERM_WEIGHT = { strong: 3, medium: 2, weak: 1, typos: 2 } as const

export const VOCABULARY: readonly VocabularyArea[] = [
  {
    id: 'networking',
    label: 'Networking',
    names: terms(`
      networking, network, connectivity, vpn, wifi, wi-fi, dns, firewall, lan
    `),
    strong: terms(`
      vpn, virtual private network, wifi, wi-fi, wi fi, wlan, wireless network, dns, dns server, dhcp,
      firewall, firewall rule, ethernet, lan, wan, router, access point, ipsec, site-to-site,
      anyconnect, globalprotect, forticlient, openvpn, wireguard, packet loss, ping, traceroute,
      nslookup, dig, subnet, ip address, vlan, proxy, ssid, network cable, network jack, network port,
      switch port, link light, nxdomain, mbps, speedtest, speed test, guest network, guest wifi,
      network drive, network share, isp, broadband, modem, vpn client, split tunnel, mtu, netmask,
      gateway unreachable
    `),
    medium: terms(`
      network, networking, internet, connectivity, wireless, hotspot, gateway, hostname, tunnel,
      latency, bandwidth, intranet, remote access, get online, no internet, wired, connection drop,
      keeps disconnecting, disconnect, voip
    `),
    weak: terms(`
      connection, connect, online, offline, reach, unreachable, drop, slow, home, switch, port,
      resolve, cable
    `),
    typos: terms(`
      wify, vnp, netwrok, newtork, firewal, conection, conect, interent, intenet
    `),
  },
  {
    id: 'email',
    label: 'Email',
    names: terms(`
      email, e-mail, mail, mailbox, outlook, exchange, messaging
    `),
    strong: terms(`
      email, e-mail, mailbox, shared mailbox, inbox, outlook, exchange online, smtp, imap, pop3,
      mx record, spf, dkim, dmarc, distribution list, mailing list, out of office, automatic reply,
      auto-reply, autoreply, email signature, bounce, bounce back, ndr, undeliverable, junk folder,
      spam folder, junk, webmail, owa, mail app, mail server, mail gateway, mail flow, meeting invite,
      meeting invitation, calendar invite, calendar, gmail, thunderbird, mail, inbound mail,
      outgoing mail, mailbox quota, delegate access
    `),
    medium: terms(`
      spam, attachment, sender, recipient, exchange, invite, invitation, signature, quota, archive, cc,
      bcc
    `),
    weak: terms(`
      forward, reply, folder, sync, newsletter, message, send, receive, domain
    `),
    typos: terms(`
      emial, e-mial, emai, outlok, outloook, mailbx, inbx, calender, recieve, recieving
    `),
  },
  {
    id: 'auth',
    label: 'Authentication',
    names: terms(`
      authentication, login, log in, sign in, sign-in, password, sso, single sign-on, mfa, identity
    `),
    strong: terms(`
      password, passcode, login, log in, log into, logon, sign in, sign-in, signin, single sign-on,
      single sign on, sso, saml, oauth, openid, oidc, okta, azure ad, entra id, active directory, ldap,
      mfa, 2fa, two-factor, two factor, multi-factor, multi factor, authenticator, authenticator app,
      one-time code, otp, verification code, account locked, locked out, lockout, password reset,
      reset password, forgot password, password expired, change password, credentials, username,
      user name, windows hello, kerberos, login loop, redirect loop
    `),
    medium: terms(`
      authentication, authenticate, auth, locked, unlock, reset link, session expired, fingerprint,
      biometric, sign out, logout, log out, enroll, enrol
    `),
    weak: terms(`
      token, session, redirect, cookie, expired, reset, code
    `),
    typos: terms(`
      pasword, passwrod, passowrd, pwd, loggin, lgoin, authenicator, authentification, singn in
    `),
  },
  {
    id: 'accounts',
    label: 'Accounts & Permissions',
    names: terms(`
      permissions, permission, access rights, access control, accounts, access
    `),
    strong: terms(`
      permission, access denied, permission denied, access rights, access right, access request,
      request access, need access, admin rights, local admin, administrator rights, group membership,
      security group, user account, account creation, new account, onboarding, offboarding,
      deprovision, disable account, deactivate account, rbac, privilege, read access, write access,
      read/write access, read-only access, access level, share permission
    `),
    medium: terms(`
      role, sharepoint, grant, revoke, approval, approved, new hire, leaver, admin
    `),
    weak: terms(`
      account, share, folder, team site, manager, access
    `),
    typos: terms(`
      permision, permisson, premission, acess, accesss
    `),
  },
  {
    id: 'database',
    label: 'Database',
    names: terms(`
      database, databases, db, sql, postgres, postgresql, mysql, dba
    `),
    strong: terms(`
      database, db, sql, postgres, postgresql, psql, mysql, mariadb, sql server, mssql, oracle db,
      mongodb, mongo, sqlite, query, slow query, index, schema, migration, replica, replication,
      replication lag, backup, restore, deadlock, transaction, connection pool, too many clients, wal,
      vacuum, explain, seq scan, stored procedure, foreign key, delete from, where clause, drop table,
      dropped table, pg_dump, dump, group by, join, primary key, tablespace, data volume, dba
    `),
    medium: terms(`
      row, orm, record, select, insert, update statement, primary, cluster, redis
    `),
    weak: terms(`
      data, report, import, export, rollback, table, column
    `),
    typos: terms(`
      databse, datbase, databae, postgress, postgre, mysq, qeury, querry, sequel
    `),
  },
  {
    id: 'frontend',
    label: 'Frontend',
    names: terms(`
      frontend, front-end, front end, ui, user interface, web ui, javascript, css, web
    `),
    strong: terms(`
      frontend, front-end, front end, ui, user interface, css, html, javascript, typescript, react,
      angular, vue, svelte, dom, browser console, console error, uncaught typeerror, layout,
      date picker, datepicker, dropdown, drop-down, tooltip, dark mode, stylesheet, responsive,
      web page, webpage, blank page, white page, white screen, broken image, keyboard shortcut,
      front page, page layout, pricing page, settings page, login page, checkout page, web app,
      web application, web admin, admin dashboard, render, rendering
    `),
    medium: terms(`
      button, form, modal, font, icon, theme, page, website, browser, chrome, firefox, safari, edge,
      column header, sort, overlap, misaligned, alignment, typo, dashboard, console, clear cache,
      scroll, label, logo, image, portal, validation message, js, sortable, sorting, filter,
      pagination, list view
    `),
    weak: terms(`
      click, text, screen, color, colour, display, view, cache, menu, link, visual
    `),
    typos: terms(`
      javscript, javascirpt, javasript, buton, dropdwon, brower, broswer, webiste
    `),
  },
  {
    id: 'backend',
    label: 'Backend',
    names: terms(`
      backend, back-end, back end, api, apis, server-side, endpoint, webhook, integration
    `),
    strong: terms(`
      api, rest api, endpoint, webhook, graphql, rest, json, http 500, internal server error,
      status code, payload, microservice, backend, back-end, stack trace, exception,
      nullpointerexception, outofmemoryerror, heap, java, node.js, nodejs, python, django, flask,
      spring boot, .net, golang, ruby on rails, php, rate limit, too many requests, throttling,
      idempotency, idempotent, swagger, openapi, sdk, job queue, background job, serialization,
      response time, api key, api token, http 429, http 401, gateway timeout, server crash, worker,
      integration
    `),
    medium: terms(`
      response, service, xml, timeout, time out, parser, queue, partner, unauthorized, retry
    `),
    weak: terms(`
      request, server, slow, field, format, string, timestamp, logs, crash, patch, documentation, docs,
      duplicate, sync, jobs
    `),
    typos: terms(`
      endpiont, enpoint, webook, webhok, grapql, graphq, micorservice
    `),
  },
  {
    id: 'hardware',
    label: 'Hardware',
    names: terms(`
      hardware, laptop, desktop, printer, peripheral, device, computer
    `),
    strong: terms(`
      laptop, desktop, pc, computer, workstation, thinkpad, macbook, printer, print job, toner, ink,
      cartridge, paper jam, scanner, copier, multifunction, mfp, monitor, hdmi, displayport, usb,
      usb-c, dock, docking station, keyboard, mouse, trackpad, touchpad, webcam, headset, headphones,
      microphone, mic, speakers, charger, power supply, power adapter, power on, turn on, bios,
      overheating, overheat, hard drive, ssd, ram, blue screen, bsod, peripheral, cracked screen,
      broken screen, second monitor, external monitor, fan, jabra, logitech, epson, brother printer,
      scan to email, scan-to-email
    `),
    medium: terms(`
      print, printing, scan, paper, screen, display, battery, dell, lenovo, hp, hardware, replacement,
      cable, flicker, cracked, spill, boot, notebook, key
    `),
    weak: terms(`
      power, plug, light, hot, loud, desk, broken, dropped, memory, device
    `),
    typos: terms(`
      labtop, latop, laptp, printr, priner, pinter, moniter, keybord, hedset, mose
    `),
  },
  {
    id: 'billing',
    label: 'Billing',
    names: terms(`
      billing, payments, payment, invoice, invoicing, subscription, finance, refund
    `),
    strong: terms(`
      billing, billed, invoice, invoicing, payment, charged, charged twice, double charge,
      double charged, duplicate charge, refund, credit card, debit card, card declined, subscription,
      renewal, vat, receipt, purchase order, po number, proration, prorated, credit note, overdue,
      bank transfer, wire transfer, stripe, paypal, payment method, pricing plan, annual plan,
      monthly plan, seats, chargeback, payment intent, tax id, billing email, payment failed, paid
    `),
    medium: terms(`
      bill, charge, pay, card, =plan, pricing, price, upgrade, downgrade, seat, tax, fee, discount,
      coupon, trial, cancel, cancellation, currency, eur, usd, checkout, cost, =accountant,
      procurement, sales
    `),
    weak: terms(`
      account, money, renew, contract, credit
    `),
    typos: terms(`
      invioce, invoce, paymnet, payemnt, refud, subcription, subscripton, biling
    `),
  },
  {
    id: 'security',
    label: 'Security',
    names: terms(`
      security, infosec, cybersecurity, phishing, malware, incident response
    `),
    strong: terms(`
      phishing email, phishing mail, phishing message,
      security, phishing, phish, spear phishing, smishing, suspicious, suspicious email,
      suspicious link, malware, virus, ransomware, trojan, spyware, adware, antivirus, anti-virus,
      defender, quarantine, infected, hacked, compromised, breach, data breach, privacy breach,
      data leak, leaked, stolen, theft, unauthorized access, unauthorised access, intrusion,
      brute force, new sign-in, sign-in alert, login alert, impersonation, scam, spoofed, spoofing,
      decrypt, secret key, vulnerability, cve, penetration test, pentest, soc 2, iso 27001,
      security review, security awareness, pii, personal data, fake login, fake, wasn't me, not me,
      exposed, still has access, left the company, pop-up, popup, another customer's, someone else's,
      ransom, asking for password, asking for my password, asks for my password, verify your account,
      verify my account, verify your mailbox, verify my mailbox, laptop stolen, stolen laptop,
      laptop was stolen, phone stolen, stolen phone, lost laptop, lost my laptop, lost device,
      files renamed, renamed files, encrypted files, files encrypted, ransom note, browser hijack,
      hijacked
    `),
    medium: terms(`
      privacy, gdpr, encrypted, encryption, exe, unknown process, alert, clicked, weird, customer data,
      redirecting, ads, secret, former employee, search engine, unwanted, file extension
    `),
    weak: terms(`
      warning, worried, strange, unknown, download, disable, immediately, link
    `),
    typos: terms(`
      phising, phishng, maleware, malwear, ransomeware, antivirius, anitvirus, secuirty
    `),
  },
  {
    id: 'devops',
    label: 'DevOps',
    names: terms(`
      devops, infrastructure, deployment, deploy, ci/cd, cloud, sre, operations, platform
    `),
    strong: terms(`
      devops, deploy, deployment, rollback, roll back, ci, ci/cd, pipeline, github actions, gitlab,
      jenkins, circleci, build agent, runner, docker, container, docker push, registry, kubernetes,
      k8s, kubectl, pod, helm, crashloopbackoff, terraform, ansible, infrastructure, aws, azure, gcp,
      google cloud, ec2, s3, lambda, load balancer, nginx, vm, virtual machine, disk space, disk usage,
      disk full, cron, cron job, systemd, ssh, ssl certificate, tls certificate, certificate, cert,
      letsencrypt, staging, staging environment, uptime, =monitoring, grafana, prometheus, datadog,
      bad gateway, 502 bad gateway, health check, autoscaling, state lock, =build, release pipeline,
      instance, caching layer, docker image, container image, =builds, build failed, terraform apply
    `),
    medium: terms(`
      server, cluster, release, =production, prod, environment, linux, cloud, artifact, disk, agent,
      redis, backup job, 502
    `),
    weak: terms(`
      down, restart, version, job, nightly, script, config, node, log, logs, renew, expire, cache,
      layer
    `),
    typos: terms(`
      kubernets, kubernates, deploymnet, deplyoment, terrafrom, pipline, dokcer, doker
    `),
  },
  {
    id: 'mobile',
    label: 'Mobile',
    names: terms(`
      mobile, mobile app, ios, android, iphone, smartphone, apps
    `),
    strong: terms(`
      mobile app, ios, android, iphone, ipad, tablet, smartphone, app store, play store, google play,
      apk, push notification, xcode, swift, kotlin, react native, flutter, samsung, pixel, galaxy,
      touch id, face id, ios app, android app, iphone app, app version, mobile
    `),
    medium: terms(`
      app, phone, notification, install, landscape, portrait, rating, offline mode
    `),
    weak: terms(`
      battery, photo, upload, update, crash, launch, freeze, scroll, rate
    `),
    typos: terms(`
      andriod, andorid, adnroid, iphne, ipone, moblie, mobil
    `),
  },
  {
    id: 'software',
    label: 'Software & Applications',
    names: terms(`
      software, applications, desktop applications, office 365, microsoft 365
    `),
    strong: terms(`
      software, install, installation, uninstall, installer, license, licence, office 365,
      microsoft 365, excel, powerpoint, word document, =teams, slack, zoom, adobe, acrobat,
      windows update, onedrive, jira, confluence, crm, salesforce, sap, microsoft teams
    `),
    medium: terms(`
      application, program, pdf, spreadsheet, plugin, extension
    `),
    weak: terms(`
      open, crash, freeze, update, version
    `),
    typos: terms(`
      softwere, sofware, instal, licence key
    `),
  },
]
