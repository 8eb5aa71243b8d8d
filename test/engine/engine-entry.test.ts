import * as assert from 'node:assert/strict';
import { apiEndpoint, openSimulatorEndpoint, SIMULATOR_KEY } from '../../src/engine';

describe('the engine entry both front ends use', () => {
  it('the simulator endpoint carries the one simulator key and mirrors every model class', async () => {
    const opened = await openSimulatorEndpoint({ limits: { tier: 'start', rpm: 7 } });
    try {
      assert.equal(opened.endpoint.apiKey, SIMULATOR_KEY);
      assert.equal(opened.endpoint.simulated, true);
      assert.equal(opened.endpoint.baseURL, opened.simulator!.url);
      const res = await fetch(`${opened.simulator!.url}/_sim/config`, { method: 'POST', body: '{}' });
      const { limits } = (await res.json()) as { limits: Record<string, { requestsPerMinute: number }> };
      for (const c of ['opus', 'sonnet', 'haiku', 'fable']) assert.equal(limits[c]?.requestsPerMinute, 7, c);
      opened.setLimits({ tier: 'start', rpm: 9 });
      const after = (await (await fetch(`${opened.simulator!.url}/_sim/config`, { method: 'POST', body: '{}' })).json()) as {
        limits: Record<string, { requestsPerMinute: number }>;
      };
      assert.equal(after.limits['haiku']?.requestsPerMinute, 9);
    } finally {
      await opened.close();
    }
  });

  it('the API endpoint passes key and base URL through, and is not simulated', async () => {
    assert.deepEqual(apiEndpoint('sk-ant-x', 'https://proxy.example').endpoint, {
      apiKey: 'sk-ant-x',
      baseURL: 'https://proxy.example',
      simulated: false,
    });
    assert.deepEqual(apiEndpoint('sk-ant-x').endpoint, { apiKey: 'sk-ant-x', simulated: false });
  });
});
