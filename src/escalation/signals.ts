/**
 * Built-in signals: phrase lexicons (matched through the same stemmed phrase index as dealer keywords, so
 * "talkin to a real person" and "talk to a person" both count) plus a few text features.
 * Phrase syntax: words match inflections, `...` allows up to three words in between, `word*` is a prefix.
 */
import { STOPWORDS, tokenize, type Token } from './text.ts'
import type { FrustrationLevel, Span } from './types.ts'

const cross = (a: string[], b: string[]) => a.flatMap((x) => b.map((y) => `${x} ... ${y}`))

export const HUMAN_REQUEST = [
  'talk to a person', 'talk to someone', 'talk to somebody', 'talk to a human', 'talk to a real', 'talk with someone',
  'talk to an actual', 'speak to someone', 'speak with someone', 'speak to a person', 'speak with a person', 'speak to a human',
  'speak to a real', 'speak with a real', 'real person', 'real human', 'actual person', 'actual human', 'live person', 'live agent',
  'human being', 'a human', 'representative', 'an agent', 'real agent', 'an operator', 'not a bot', 'not a robot', 'no bots',
  'not talking to a bot', 'stop the bot', 'get me a person', 'get me someone', 'transfer me', 'connect me', 'put me through',
  '=call me', 'give me a call', 'someone =call me', 'somebody =call me', 'can you =call', 'please =call', 'pls =call', 'have someone =call', 'can someone =call', 'have somebody =call',
  'someone give me a call', 'give me a ring', 'reach out to me', 'contact me', 'text me', 'an employee', 'a salesman', 'a salesperson',
  ...cross(['talk', 'speak', 'chat'], ['manager', 'supervisor', 'tech', 'mechanic', 'salesman', 'sales guy', 'service writer', 'advisor', 'owner']),
  ...cross(['get', 'want', 'need'], ['manager', 'supervisor']),
  'someone from service', 'someone from sales', 'someone from parts', 'someone in service', 'someone in sales', 'someone in parts',
  'someone at the store', 'someone at the shop', 'someone at the dealership',
]

export const PURCHASE_INTENT = [
  'ready to buy', 'ready to purchase', 'ready to sign', 'ready to pull the trigger', 'pull the trigger', 'buy today', 'buy it today',
  'buy one today', 'buy this weekend', 'buy it this weekend', 'purchase today', 'take it home today', 'take it today', 'pick it up today',
  'pick it up tomorrow', 'ride it home', 'ride it off the lot', 'come in today and buy', 'put a deposit', 'put down a deposit',
  'put money down', 'leave a deposit', 'deposit on', 'hold it for me', 'hold it', 'hold one', 'hold that', 'hold the', 'hold this',
  'cash in hand', 'cash buyer', 'paying cash', 'pay cash', 'sign today', 'sign the papers', 'want to buy', 'wanna buy', 'looking to buy',
  'gonna buy', 'going to buy', 'ill take it', 'i will take it', 'ill take one', 'ill take the used', 'ill take the new', 'out the door', 'otd', 'best price', 'bottom line',
  'make a deal', 'make me a deal', 'deal today', 'when can i pick', 'how soon can i pick', 'how soon can i get', 'before someone else',
  'before it sells', 'dont let it sell', 'come get it today', 'come get it tonight', 'come get it tomorrow', 'drive down today', 'drive up today',
]

export const SAFETY_RISK = [
  ...cross(['brake'], ['fail', 'failure', 'gone', 'went out', 'out', 'spongy', 'soft', 'grind', 'squeal', 'metal on metal', 'not work',
    'dont work', 'stopped working', 'quit', 'fade', 'lock up', 'locked up', 'to the bar', 'to the grip', 'nothing']),
  'all the way to the bar', 'all the way to the grip', 'lever ... to the bar',
  'no brake', 'lost ... brake',
  'smell ... gas', 'smell ... fuel', 'gas smell', 'fuel smell', 'raw fuel', 'fuel leak', 'gas leak', 'leaking gas', 'leaking fuel',
  'gas ... leak', 'fuel ... leak', 'gas ... drip', 'fuel ... drip', 'pouring gas', 'pissing gas', 'fuel ... pouring',
  'smoke com*', 'smoke pour*', 'smoke out', 'smoke from', 'white smoke', 'blue smoke', 'black smoke', 'blowing smoke', 'lots of smoke',
  'smoking from', 'started smoking', 'smoking bad', 'smoking like', 'on fire', 'caught fire', 'catch fire', 'flames', 'burning smell',
  'smell ... burn', '=sparks', '=sparking', 'melted', 'melting',
  'overheat', 'over heat', 'running hot', 'runs hot', 'temp light', 'temperature light', 'temp ... red', 'coolant ... boil',
  'boiling over', 'steam',
  'i crash', 'we crash', 'he crash', 'she crash', 'son crash', 'kid crash', 'daughter crash', 'wife crash', 'crash it', 'crash my',
  'crash the', 'crash into', 'had a crash', 'in a crash', 'after the crash', 'since the crash', 'crash damage', 'wreck', 'accident', 'laid it down', 'laid ... down', 'lowside', 'low side', 'highside', 'high side', 'hit a deer',
  'hit a tree', 'hit a car', 'got hit', 'rolled it', 'rolled my', 'rolled over', 'rollover', 'flipped it', 'flipped my', 'flipped over', '=totaled',
  '=totalled', 'collision',
  'throttle ... stuck', 'stuck throttle', 'throttle ... stick', 'throttle ... hang', 'doesnt snap back', 'wont snap back',
  'throttle ... not return', 'wobble', 'tank slapper', 'steering ... lock',
  'lost steering', 'wheel ... fell off', 'wheel ... came off', 'chain ... snap', 'tire ... blew', 'blowout', 'blew a tire',
  'got hurt', 'im hurt', 'hurt my', 'hurt bad', 'injured', 'injury', 'in the hospital', 'went to the hospital', 'taken to the hospital', 'bleeding', 'ambulance', 'unsafe', 'not safe', 'dangerous',
]

/** Weight 1 = annoyed, 2 = angry, 4 = threatens to go public or legal. */
export const FRUSTRATION: [string, number][] = [
  ...['frustrat*', 'annoy*', 'ugh', 'seriously', 'come on', 'still waiting', 'still ... waiting', 'been waiting', 'waiting forever',
    'no one', 'nobody', 'no response', 'no reply', 'no answer', 'never heard back', 'never called', 'never got back', 'havent heard',
    'not happy', 'unhappy', 'disappoint*', 'how many times do', 'how many times have', 'how many more times', 'sick of', 'tired of', 'fed up', 'waste of time', 'wasting my time',
    'ridiculous', 'anyone there', 'anybody there', 'damn', 'hell', 'crap', 'still not', 'still no', 'yet again', 'over and over',
    'upset', 'mad'].map((p): [string, number] => [p, 1]),
  ...['unacceptable', 'the worst', 'worst dealer', 'worst service', 'worst experience', 'terrible', 'horrible', 'awful', 'pathetic', 'joke', 'useless', 'incompetent', 'pissed', 'furious',
    'angry', 'livid', 'never again', 'rip off', 'ripoff', 'ripped off', 'scam', 'lied', 'lying', 'liar', 'wtf', 'bs', 'bullshit',
    'shit', 'fuck*', 'screw this', 'screwed', 'want my money back', 'lost a customer', 'lost my business', 'taking my business',
    'go elsewhere', 'going elsewhere', 'never buying', 'never buy', 'dont care', 'nobody cares', 'been a week', 'been weeks', 'been a month',
    'sucks'].map((p): [string, number] => [p, 2]),
  ...['lawyer', 'attorney', 'sue', 'suing', 'lawsuit', 'bbb', 'better business bureau', 'report you', 'chargeback', 'dispute the charge',
    'small claims', 'consumer protection', 'attorney general', '1 star', 'one star', 'bad review', 'post ... review', 'post ... facebook',
    'post ... social media', 'google review'].map((p): [string, number] => [p, 4]),
]

/** Phrases that by themselves say the rider is repeating a question. */
export const REPEAT_PHRASES = [
  'already asked', 'asked ... already', 'asking again', 'ask again', 'asked ... before', 'asked ... twice', 'same question',
  'second time', 'third time', 'how many times do', 'how many times have', 'like i said', 'as i said', 'i said', 'again ... asking', 'still didnt answer',
  'didnt answer my question', 'not what i asked', 'still havent answered', 'you didnt answer',
]

/**
 * Asking what the assistant is ("am I talking to a real person?") is a question, not a request; human-request
 * phrases that start inside or right after one of these do not count.
 */
export const BOT_QUESTION = [
  'am i talking to', 'am i talking with', 'am i speaking to', 'am i speaking with', 'am i chatting with', 'am i texting',
  'are you a', 'are you an', 'are you real', 'are you human', 'are you a real', 'r u a', 'are u a', 'is this a', 'is this an',
  'is this real', 'is this automated', 'if you are a', 'if you are an', 'if youre a', 'whether you are', 'whether youre',
  'tell me if you', 'know if you', 'is it a', 'is that a', 'or a real', 'or an actual', 'or a human', 'or a live', 'or a person',
  'or real', 'or human', 'are you really', 'could you be', 'regard you as', 'identify as', 'classified as', 'think like a',
]

export const LEVELS: FrustrationLevel[] = ['none', 'low', 'medium', 'high']

export function frustrationLevel(score: number): FrustrationLevel {
  return score >= 4 ? 'high' : score >= 2 ? 'medium' : score >= 1 ? 'low' : 'none'
}

export const levelRank = (l: FrustrationLevel) => LEVELS.indexOf(l)

/** Shouting (mostly capitals) and runs of ! or ? add to frustration. */
export function punctuationScore(text: string): { score: number; spans: Span[] } {
  const spans: Span[] = []
  let score = 0
  let letters = 0
  let upper = 0
  const n = Math.min(text.length, 4000)
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c >= 65 && c <= 90) { letters++; upper++ } else if (c >= 97 && c <= 122) letters++
  }
  if (letters >= 12 && upper / letters >= 0.7) {
    score += 1
    spans.push({ text: text.slice(0, Math.min(n, 40)), start: 0, end: Math.min(n, 40) })
  }
  const runs = /[!?]{3,}|!{2,}|\?!|!\?/.exec(text.length > 4000 ? text.slice(0, 4000) : text)
  if (runs) {
    score += 1
    spans.push({ text: runs[0], start: runs.index, end: runs.index + runs[0].length })
  }
  return { score, spans }
}

function contentStems(tokens: Token[]): Set<string> {
  const s = new Set<string>()
  for (const t of tokens) if (t.word.length > 1 && !STOPWORDS.has(t.word)) s.add(t.stem)
  return s
}

/**
 * How many earlier customer messages ask the same thing: same words (ignoring small words) or at least
 * 60% overlap of topic words. Looks at the last 10 customer messages, 2,000 characters each.
 */
export function repeatCount(current: Token[], earlier: string[]): number {
  const cur = contentStems(current)
  const curKey = current.map((t) => t.stem).join(' ')
  let n = 0
  for (const text of earlier.slice(-10)) {
    const toks = tokenize(text, 2000)
    if (curKey.length >= 6 && toks.map((t) => t.stem).join(' ') === curKey) { n++; continue }
    if (cur.size < 2) continue
    const other = contentStems(toks)
    let inter = 0
    for (const s of cur) if (other.has(s)) inter++
    const union = cur.size + other.size - inter
    if (union > 0 && inter / union >= 0.6) n++
  }
  return n
}
