import type { ModuleDefinition } from '../../platform/module.ts';
import { discussionsRoutes } from './discussions.routes.ts';
import { seedDemoDiscussions } from './demo.service.ts';

export * from './discussions.ts';
export type { ThreadSummary, PostView } from './discussions.present.ts';
export {
  listDiscussions,
  listPublicDiscussions,
  getDiscussion,
  createThread,
  reply,
  follow,
  unfollow,
  threadsLinkedTo,
  noticesSince,
  countPublicDiscussions,
  type DiscussionPage,
  type DiscussionDetail,
} from './discussions.service.ts';
export {
  flagPost,
  moderate,
  setSlowMode,
  moderationQueue,
  moderationLog,
} from './moderation.service.ts';
export { createGroup, addMember, removeMember, myGroups } from './groups.service.ts';
export { personalData, erasePersonalData } from './privacy.service.ts';
export { renderMarkdown } from './markdown.ts';

export const discussionsModule: ModuleDefinition = {
  name: 'discussions',
  routes: discussionsRoutes,
  seedDemo: seedDemoDiscussions,
};
