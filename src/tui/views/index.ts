// The list of views, in tab order: the one place a view is added.
import type { AnyView } from './view.js';
import { containersView } from './containers.js';
import { imagesView } from './images.js';
import { volumesView } from './volumes.js';
import { networksView } from './networks.js';

export const VIEWS: readonly AnyView[] = [containersView, imagesView, volumesView, networksView];

export type { AnyView, View, Column, ListModel, Selected, ViewAction, RenderCtx, ActionCtx } from './view.js';
