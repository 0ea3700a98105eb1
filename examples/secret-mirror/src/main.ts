import { Manager, newLogger } from '@spoke/manager';
import { SecretMirrorController } from './secret-mirror-controller.js';

const manager = Manager.create({
  name: 'secret-mirror', // field manager of writes, events' reportingController
  logger: newLogger({ level: 'info' }),
  leaderElection: { id: 'secret-mirror.spoke.dev' }, // only one replica reconciles
});
manager.register(SecretMirrorController);
await manager.start(Manager.setupSignalHandler()); // SIGTERM drains in-flight reconciles, then exits
