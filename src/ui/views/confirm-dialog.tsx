import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Question } from '../questions.js';

/**
 * A modal question before an action that changes a container (update, roll back, forget, reject):
 * it names what is acted on and how (the container, its digests or tags). Cancel has the focus, so
 * Enter or Escape pressed by habit changes nothing.
 */
function ConfirmDialog({
  question,
  onAnswer,
}: {
  question: Question;
  onAnswer: (yes: boolean) => void;
}): JSX.Element {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [question]);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onAnswer(false);
      }}
    >
      <h2 id="confirm-title">{question.title}</h2>
      <dl class="facts">
        {question.facts.map(([term, value]) => (
          <>
            <dt>{term}</dt>
            <dd class="mono">{value}</dd>
          </>
        ))}
      </dl>
      {question.note ? <p class="note">{question.note}</p> : null}
      <div class="buttons">
        <button type="button" class="quiet" autoFocus onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button type="button" class={question.danger ? 'danger' : ''} onClick={() => onAnswer(true)}>
          {question.confirm}
        </button>
      </div>
    </dialog>
  );
}

/** The dialog to render (null when nothing is asked), and `ask`, which resolves with the answer. */
export function useConfirm(): {
  readonly dialog: JSX.Element | null;
  readonly ask: (question: Question) => Promise<boolean>;
} {
  const [asking, setAsking] = useState<{ question: Question; resolve: (yes: boolean) => void }>();
  const ask = useCallback(
    (question: Question) => new Promise<boolean>((resolve) => setAsking({ question, resolve })),
    [],
  );
  const dialog = asking ? (
    <ConfirmDialog
      question={asking.question}
      onAnswer={(yes) => {
        setAsking(undefined);
        asking.resolve(yes);
      }}
    />
  ) : null;
  return { dialog, ask };
}
