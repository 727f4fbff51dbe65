// Every route of the API, by concern.
import { archiveRoutes } from './archive.js';
import { buildRoutes } from './build.js';
import { containerIoRoutes } from './container-io.js';
import { containerRoutes } from './containers.js';
import { execRoutes } from './exec.js';
import { imageRoutes } from './images.js';
import { Router } from './router.js';
import { systemRoutes } from './system.js';
import { networkRoutes, volumeRoutes } from './volumes.js';

export function routes(): Router {
  const r = new Router();
  systemRoutes(r);
  containerRoutes(r);
  containerIoRoutes(r);
  archiveRoutes(r);
  execRoutes(r);
  imageRoutes(r);
  buildRoutes(r);
  volumeRoutes(r);
  networkRoutes(r);
  return r;
}
