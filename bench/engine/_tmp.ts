import { benchLimiter } from './limiter-bench';
(async () => { for (let i=0;i<3;i++) console.log(await benchLimiter(300_000)); })();
