// The list of views, in tab order: the one place a view is added.
import type { AnyView } from './view.js';
import { containersView } from './containers.js';
import { imagesView } from './images.js';
import { volumesView } from './volumes.js';
import { networksView } from './networks.js';
import { buildsView } from './builds.js';

export const VIEWS: readonly AnyView[] = [containersView, imagesView, volumesView, networksView, buildsView];

export type { AnyView, View, Column, ListModel, Selected, ViewAction, RenderCtx, ActionCtx } from './view.js';
