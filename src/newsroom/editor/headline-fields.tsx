/** The headline and the summary points under it. */
import { useEffect, useRef } from "preact/hooks";
import type { StoryContent } from "./api.ts";

export function HeadlineFields({
  content,
  editable,
  invalid,
  onChange,
}: {
  content: StoryContent;
  editable: boolean;
  /** The server found a problem with the headline. */
  invalid: boolean;
  onChange: (patch: Partial<StoryContent>) => void;
}) {
  // A point just added takes the focus, so what is typed next goes into it
  // (a space on the still-focused button would add another empty point).
  const focusPoint = useRef<number | null>(null);
  useEffect(() => {
    if (focusPoint.current === null) return;
    document.getElementById(`sum-${focusPoint.current}`)?.focus();
    focusPoint.current = null;
  });
  return (
    <>
      <label class="headline-field">
        <span class="visually-hidden">Headline</span>
        <textarea
          class="headline"
          rows={2}
          placeholder="Headline"
          value={content.headline}
          readOnly={!editable}
          onInput={(e) => onChange({ headline: e.currentTarget.value })}
          aria-invalid={invalid ? true : undefined}
        />
      </label>
      <fieldset class="summary-points" disabled={!editable}>
        <legend>Summary points (up to five)</legend>
        {content.summary.map((s, i) => (
          <div class="summary-point">
            <label class="visually-hidden" for={`sum-${i}`}>
              Summary point {i + 1}
            </label>
            <input
              id={`sum-${i}`}
              value={s}
              onInput={(e) =>
                onChange({ summary: content.summary.map((x, j) => (j === i ? e.currentTarget.value : x)) })
              }
            />
            <button
              type="button"
              class="small"
              onClick={() => onChange({ summary: content.summary.filter((_, j) => j !== i) })}
              aria-label={`Remove summary point ${i + 1}`}
            >
              ×
            </button>
          </div>
        ))}
        {content.summary.length < 5 ? (
          <button
            type="button"
            class="small"
            onClick={() => {
              focusPoint.current = content.summary.length;
              onChange({ summary: [...content.summary, ""] });
            }}
          >
            Add a summary point
          </button>
        ) : null}
      </fieldset>
    </>
  );
}
