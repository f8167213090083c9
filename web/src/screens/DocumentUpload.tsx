/** Attaching a document to a trip, with a progress bar: the trip page's form and the driver's proof of delivery. */
import { FormEvent, useState } from "react";
import type { Api } from "../api";
import { messageOf } from "../ui";
import { DocumentKind, UPLOAD_TYPES, uploadDocument } from "../upload";

const KINDS: DocumentKind[] = ["proof_of_delivery", "invoice", "photo", "other"];

export function DocumentUpload({
  api,
  tripId,
  kinds = KINDS,
  onUploaded,
  onError,
}: {
  api: Api;
  tripId: string;
  kinds?: DocumentKind[];
  onUploaded: () => void;
  onError: (message?: string) => void;
}) {
  const [progress, setProgress] = useState<number>();
  const upload = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const file = data.get("file");
    if (!(file instanceof File) || file.size === 0) return onError("choose a file to attach");
    onError(undefined);
    setProgress(0);
    try {
      await uploadDocument(api, tripId, (data.get("kind") as DocumentKind | null) ?? kinds[0], file, setProgress);
      form.reset();
      onUploaded();
    } catch (err) {
      onError(messageOf(err));
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <form className="inline" onSubmit={upload} aria-label="Attach a document">
      {kinds.length > 1 ? (
        <label>
          Kind{" "}
          <select name="kind" defaultValue={kinds[0]}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        File <input name="file" type="file" accept={UPLOAD_TYPES.join(",")} required />
      </label>
      <button type="submit" disabled={progress !== undefined}>
        Upload
      </button>
      {progress !== undefined ? (
        <progress max={1} value={progress} aria-label="Upload progress">
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
    </form>
  );
}
