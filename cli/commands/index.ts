import type { CommandModule } from 'yargs';
import { down } from './down.js';
import { doctor } from './doctor.js';
import { exec } from './exec.js';
import { images } from './images.js';
import { logs } from './logs.js';
import { ls } from './ls.js';
import { prune } from './prune.js';
import { shell } from './shell.js';
import { up } from './up.js';

export const commands = [up, shell, exec, logs, ls, down, prune, images, doctor] as CommandModule<object, any>[];
