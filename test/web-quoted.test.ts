// The ticket page folds an emailed text's quoted history: which lines are quoted.
import { describe, expect, it } from 'vitest'
import { splitQuoted } from '../web/src/lib/quoted.js'

describe('splitQuoted', () => {
  it('leaves a text without quotes whole', () => {
    expect(splitQuoted('Hello.\n\nThanks')).toEqual([{ quoted: false, text: 'Hello.\n\nThanks' }])
  })

  it('folds "> " lines with the "… wrote:" line that introduces them', () => {
    expect(
      splitQuoted(
        'It beeps.\n\nOn Mon, 30 Nov 2026, Support wrote:\n> Does it beep?\n>\n> Tell us.\n\nThanks',
      ),
    ).toEqual([
      { quoted: false, text: 'It beeps.' },
      { quoted: true, text: 'On Mon, 30 Nov 2026, Support wrote:\n> Does it beep?\n>\n> Tell us.' },
      { quoted: false, text: 'Thanks' },
    ])
  })

  it('keeps answers written between quotes apart from them', () => {
    expect(splitQuoted('> Which model?\nA LaserJet 4.\n> Which floor?\nThe third.')).toEqual([
      { quoted: true, text: '> Which model?' },
      { quoted: false, text: 'A LaserJet 4.' },
      { quoted: true, text: '> Which floor?' },
      { quoted: false, text: 'The third.' },
    ])
    // "wrote:" not followed by a quote is the sender's own words.
    expect(splitQuoted('My colleague wrote:\nnothing')).toEqual([
      { quoted: false, text: 'My colleague wrote:\nnothing' },
    ])
  })
})
