// @ts-check
/** The setting that chooses how every time on screen is shown: the browser's zone or UTC. */
import { setTimeZoneSetting, timeZoneSetting, utcOffset } from '../format.js';

export function TimeZoneSetting() {
  const zone = timeZoneSetting();
  return (
    <label class="timezone-setting">
      <span>Times in</span>{' '}
      <select
        class="input input-small"
        data-testid="timezone-setting"
        value={zone}
        onChange={(e) => setTimeZoneSetting(/** @type {'local' | 'UTC'} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value))}
      >
        <option value="local">Local time ({utcOffset(new Date())})</option>
        <option value="UTC">UTC</option>
      </select>
    </label>
  );
}
