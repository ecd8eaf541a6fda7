import "server-only";

/**
 * Paid content: performers create items (a video, a set of pictures, a post, paid access to their room) with a
 * public teaser and protected files; members unlock an item once and keep it. Members of the plan an item is
 * gated by open it without paying. Files live in fileStorage() under opaque keys and leave only through
 * app/api/content/files/[fileId], which asks fileForViewer() first.
 */
export { type FileForViewer, fileForViewer, hasContentAccess } from "./access";
export {
  createContentItem,
  deleteContentItem,
  getOwnContentItem,
  listOwnContent,
  listPlanChoices,
  setContentStatus,
  updateContentItem,
} from "./authoring";
export { getContentItem, listLibrary, listPerformerContent } from "./feeds";
export { type NewContentFile, UPLOAD_TOO_LARGE, UPLOAD_UNSUPPORTED_TYPE, addContentFile, deleteContentFile, uploadLimitMessage } from "./files";
export {
  type CreateContentInput,
  type UnlockContentInput,
  type UpdateContentInput,
  contentFileRefSchema,
  contentItemRefSchema,
  createContentSchema,
  performerContentSchema,
  setContentStatusSchema,
  unlockContentSchema,
  updateContentSchema,
} from "./inputs";
export { type UnlockResult, contentUnlockAnnouncements, unlockContent, unlockContentAsSession } from "./unlocks";
export type {
  ContentCard,
  ContentFileView,
  ContentItemView,
  LibraryEntry,
  OwnContentItem,
  OwnContentSummary,
  PlanChoice,
  Viewer,
} from "./views";
