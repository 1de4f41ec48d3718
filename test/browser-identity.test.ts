import { describe, expect, test } from 'vitest';
import { parseUserAgent, timerResolutionMs } from '../profilers/browser/identity.js';

describe('the browser named by its user agent', () => {
  test.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'HeadlessChrome', '156', 'X11; Linux x86_64'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome', '126', 'Windows NT 10.0; Win64; x64'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87', 'Edge', '126', 'Windows NT 10.0; Win64; x64'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36', 'Chrome', '125', 'Linux; Android 14; Pixel 8'],
    ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36', 'Samsung Internet', '25', 'Linux; Android 14; SM-S918B'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari', '17', 'iPhone; CPU iPhone OS 17_5 like Mac OS X'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1', 'Chrome', '126', 'iPhone; CPU iPhone OS 17_5 like Mac OS X'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'Safari', '17', 'Macintosh; Intel Mac OS X 10_15_7'],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 'Firefox', '127', 'X11; Ubuntu; Linux x86_64; rv:127.0'],
    ['curl/8.5.0', 'unknown', '', 'unknown'],
  ])('%s', (ua, name, version, os) => {
    expect(parseUserAgent(ua)).toEqual({ name, version, os });
  });
});

describe('the timer resolution a page sees', () => {
  test.each([
    [0.1, 0.1],
    [0.005, 0.005],
    [1, 1],
  ])('a clock stepping by %f ms reads as %f ms', (step, expected) => {
    let t = 0;
    let reads = 0;
    const now = (): number => {
      reads++;
      if (reads % 3 === 0) t += step;
      return t;
    };
    expect(timerResolutionMs(now)).toBeCloseTo(expected, 9);
  });
});
