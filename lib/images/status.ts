import { offlineTag } from './offline.js';
import { present } from './present.js';
import { offlineServer } from './server.js';
import type { ImageSpec } from './resolve.js';

export interface ImageStatus {
  preset: string;
  official: string;
  officialPresent: boolean;
  offline: string;
  offlinePresent: boolean;
  /** The server the offline build holds ("MySQL 9.7.4 (Debian sid)"), when it is here and says. */
  offlineServer: string | undefined;
  /** What a start would use now, or undefined if it would first pull or build. */
  willUse: string | undefined;
}

/** For `sandpit images ls`: resolveImage's order of preference, without pulling or building. */
export function imageStatus(specs: ImageSpec[]): Promise<ImageStatus[]> {
  return Promise.all(
    specs.map(async ({ name, image, offline }) => {
      const offlineImage = offlineTag(name, offline);
      const [officialPresent, offlinePresent] = await Promise.all([present(image), present(offlineImage)]);
      return {
        preset: name,
        official: image,
        officialPresent,
        offline: offlineImage,
        offlinePresent,
        offlineServer: offlinePresent ? await offlineServer(offlineImage) : undefined,
        willUse: officialPresent ? image : offlinePresent ? offlineImage : undefined,
      };
    }),
  );
}
