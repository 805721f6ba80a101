/**
 * Live updates for the live-session pages, over server-sent events (the browser's EventSource
 * reconnects by itself and sends Last-Event-ID, so the server replays what was missed).
 *
 * - participant: hydrates the question list and the ask form (the same component the server
 *   renders), applies each event, and sends questions and votes as JSON instead of reloading.
 * - refresh (moderator console, presenter view): on any event, fetches the page again and swaps
 *   its live regions, leaving alone a region where someone is typing; ticks running timers.
 *
 * The shared component lives with the live module; it has no server-only imports.
 */
import { useEffect, useState } from 'preact/hooks';
import { mountIsland } from './mount.tsx';
import {
  LiveParticipant,
  type AskFormState,
  type ParticipantProps,
} from '../../modules/live/live.components.tsx';
import { isPublic, type QuestionView, type SessionState } from '../../modules/live/live.ts';
import { formatDuration } from '../../modules/live/speaking-time.ts';

type Props =
  | ({ mode: 'participant' } & ParticipantProps)
  | { mode: 'refresh'; sessionId: string; after: number };

const EVENTS = ['question', 'question-removed', 'vote', 'state', 'backstage', 'turn'];

function stream(sessionId: string, after: number): EventSource {
  return new EventSource(`/api/v1/live/${sessionId}/events?after=${after}`);
}

function upsert(list: QuestionView[], q: QuestionView): QuestionView[] {
  const index = list.findIndex((item) => item.id === q.id);
  if (index === -1) return [...list, q];
  const next = list.slice();
  next[index] = { ...list[index], ...q };
  return next;
}

async function post(url: string, csrf: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': csrf,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  return { status: response.status, json };
}

function problemErrors(json: Record<string, unknown> | null, fallback: string) {
  const errors: Record<string, string> = {};
  const list = (json?.errors as Array<{ path: string; message: string }> | undefined) ?? [];
  for (const e of list) {
    const name = e.path.replace(/^\//, '').split('/')[0] || '_form';
    errors[name === 'text' || name === 'name' ? name : '_form'] ??= e.message;
  }
  if (Object.keys(errors).length === 0) errors._form = String(json?.detail ?? fallback);
  return errors;
}

function Participant(initial: ParticipantProps) {
  const [questions, setQuestions] = useState(initial.questions);
  const [mine, setMine] = useState(initial.mine);
  const [voted, setVoted] = useState(initial.voted);
  const [state, setState] = useState({ open: initial.open, remoteSegment: initial.remoteSegment });
  const [form, setForm] = useState<AskFormState>(initial.form);
  const [notice, setNotice] = useState<{ text: string; problem: boolean } | null>(
    initial.notice ? { text: initial.notice, problem: !!initial.noticeIsProblem } : null,
  );
  const [busy, setBusy] = useState(false);
  const { labels, sessionId, csrf } = initial;

  useEffect(() => {
    const source = stream(sessionId, initial.after);
    source.addEventListener('question', (event) => {
      const q = JSON.parse((event as MessageEvent<string>).data) as QuestionView;
      setQuestions((list) =>
        isPublic(q.status) ? upsert(list, q) : list.filter((item) => item.id !== q.id),
      );
      setMine((list) => (q.mine || list.some((m) => m.id === q.id) ? upsert(list, q) : list));
    });
    source.addEventListener('question-removed', (event) => {
      const { id } = JSON.parse((event as MessageEvent<string>).data) as { id: string };
      setQuestions((list) => list.filter((item) => item.id !== id));
    });
    source.addEventListener('vote', (event) => {
      const { id, votes } = JSON.parse((event as MessageEvent<string>).data) as {
        id: string;
        votes: number;
      };
      const bump = (list: QuestionView[]) =>
        list.some((q) => q.id === id) ? list.map((q) => (q.id === id ? { ...q, votes } : q)) : list;
      setQuestions(bump);
      setMine(bump);
    });
    source.addEventListener('state', (event) => {
      const s = JSON.parse((event as MessageEvent<string>).data) as SessionState;
      setState({ open: s.status === 'open', remoteSegment: s.remoteSegment });
    });
    return () => source.close();
  }, []);

  const onAsk = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const anonymous = form.identity === 'anonymous';
      const { status, json } = await post(`/api/v1/live/${sessionId}/questions`, csrf, {
        text: form.text,
        anonymous,
        ...(anonymous || !form.name.trim() ? {} : { name: form.name }),
      });
      if (status === 201 && json) {
        const q = json as unknown as QuestionView;
        setMine((list) => upsert(list, q));
        if (isPublic(q.status)) setQuestions((list) => upsert(list, q));
        setForm({ ...form, text: '', errors: {} });
        setNotice({
          text: q.status === 'pending' ? labels.sentPending : labels.sent,
          problem: false,
        });
      } else {
        setForm({ ...form, errors: problemErrors(json, labels.failed) });
      }
    } catch {
      setForm({ ...form, errors: { _form: labels.failed } });
    } finally {
      setBusy(false);
    }
  };

  const onVote = async (id: string, event: Event) => {
    event.preventDefault();
    try {
      const { status, json } = await post(
        `/api/v1/live/${sessionId}/questions/${id}/votes`,
        csrf,
        {},
      );
      if (status === 201 && json) {
        setVoted((list) => [...list, id]);
        const votes = Number(json.votes);
        setQuestions((list) => list.map((q) => (q.id === id ? { ...q, votes } : q)));
      } else {
        setNotice({ text: String(json?.detail ?? labels.failed), problem: true });
      }
    } catch {
      setNotice({ text: labels.failed, problem: true });
    }
  };

  return (
    <LiveParticipant
      {...initial}
      questions={questions}
      mine={mine}
      voted={voted}
      open={state.open}
      remoteSegment={state.remoteSegment}
      form={form}
      notice={notice?.text ?? null}
      noticeIsProblem={notice?.problem ?? false}
      busy={busy}
      onAsk={onAsk}
      onVote={onVote}
      onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
    />
  );
}

/** Swaps the page's live regions for fresh server-rendered ones. */
async function refreshRegions(): Promise<void> {
  const response = await fetch(location.pathname + location.search, {
    credentials: 'same-origin',
    headers: { accept: 'text/html' },
  });
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const fresh of doc.querySelectorAll<HTMLElement>('[data-live-region]')) {
    const current = fresh.id ? document.getElementById(fresh.id) : null;
    if (!current) continue;
    const active = document.activeElement;
    // Someone typing (a note, an answer, a backstage message) keeps their words.
    const typing =
      active &&
      current.contains(active) &&
      (active.tagName === 'TEXTAREA' || active.tagName === 'INPUT' || active.tagName === 'SELECT');
    const open = current.querySelector('details[open]');
    if (typing || open) continue;
    current.replaceWith(document.importNode(fresh, true));
  }
}

function tick(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-ticking]')) {
    const base = Number(el.dataset.base ?? 0);
    const since = Date.parse(el.dataset.since ?? '');
    if (Number.isNaN(since)) continue;
    // The base already counts the turn up to the page's render; add only what passed since.
    const rendered = Number(el.dataset.rendered ?? (el.dataset.rendered = String(Date.now())));
    el.textContent = formatDuration(base + (Date.now() - rendered) / 1000);
  }
}

function Refresh(props: { sessionId: string; after: number }) {
  useEffect(() => {
    const source = stream(props.sessionId, props.after);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await refreshRegions();
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), 250);
    };
    for (const type of EVENTS) source.addEventListener(type, schedule);
    const ticker = setInterval(tick, 1000);
    return () => {
      source.close();
      clearInterval(ticker);
      clearTimeout(timer);
    };
  }, []);
  return null;
}

function Live(props: Props) {
  if (props.mode === 'participant') return <Participant {...props} />;
  return <Refresh sessionId={props.sessionId} after={props.after} />;
}

mountIsland('live', Live);
