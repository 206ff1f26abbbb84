/** Asks for a new picture's alt text, caption and credit (needed before publishing). */
import { useEffect, useRef } from "preact/hooks";
import type { ImageJson } from "./api.ts";
import { ImageDetails } from "./media-library.tsx";

export function DescribeDialog({
  image,
  onSaved,
  onClose,
}: {
  image: ImageJson;
  onSaved: (img: ImageJson) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  return (
    <dialog ref={ref} class="picker" aria-labelledby="describe-h" onClose={onClose}>
      <h2 id="describe-h">Describe this picture</h2>
      <p class="sub">Alt text, caption and credit are needed before the story can be published.</p>
      <ImageDetails image={image} onSaved={onSaved} />
      <form method="dialog">
        <button type="submit">Later</button>
      </form>
    </dialog>
  );
}
