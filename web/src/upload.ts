/**
 * A document upload as the API arranges it: ask for a presigned PUT, send the
 * file straight to S3 with the headers it was signed for (XMLHttpRequest, for
 * progress events), then confirm. The API checks the stored object's size and
 * type on confirm, so a half-finished upload is never listed.
 */
import type { Api, Body } from "./api";

export type DocumentKind = Body<"/api/trips/{tripId}/documents", "post">["kind"];
export type UploadType = Body<"/api/trips/{tripId}/documents", "post">["contentType"];
export const UPLOAD_TYPES: readonly UploadType[] = ["application/pdf", "image/jpeg", "image/png", "image/webp"];

export async function uploadDocument(api: Api, tripId: string, kind: DocumentKind, file: File, onProgress: (fraction: number) => void): Promise<void> {
  if (!UPLOAD_TYPES.includes(file.type as UploadType)) throw new Error(`${file.name}: only PDF, JPEG, PNG or WebP files can be attached`);
  const { body } = await api("post", "/api/trips/{tripId}/documents", {
    params: { tripId },
    body: { kind, contentType: file.type as UploadType, sizeBytes: file.size },
  });
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(body.upload.method, body.upload.url);
    // content-length is the browser's to set; content-type must be the one signed.
    xhr.setRequestHeader("content-type", body.upload.headers["content-type"]);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`the storage refused the file (${xhr.status})`)));
    xhr.onerror = () => reject(new Error("the upload was interrupted; try again"));
    xhr.send(file);
  });
  onProgress(1);
  await api("post", "/api/trips/{tripId}/documents/{documentId}/confirm", { params: { tripId, documentId: body.documentId } });
}
