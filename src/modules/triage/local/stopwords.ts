// Words that carry no routing signal. Catalog descriptions are free text ("Sign-in problems,
// passwords and other issues with our apps"), so function words and the generic vocabulary of
// support requests are dropped before description words are matched against tickets.
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had has ' +
    'have having he her here hers him his how i if in into is it its itself just me more most my no nor ' +
    'not of off on once only or other our ours out over own same she should so some such than that the ' +
    'their them then there these they this those through to too under until up very was we were what ' +
    'when where which while who whom why will with would you your yours via etc incl including e.g ' +
    'ie eg per across within without like such using use used'
  ).split(' '),
)

/** Words every support skill could claim: matching them says nothing about which skill fits. */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  (
    'issue issues problem problems error errors support help request requests question questions ' +
    'trouble troubleshooting fix fixes general misc miscellaneous various related everything anything ' +
    'thing things stuff user users customer customers team teams company office work working ' +
    'app apps application applications system systems tool tools service services product products ' +
    'management manage handling handle new old our own'
  ).split(' '),
)
