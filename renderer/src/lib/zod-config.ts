// The CSP forbids eval; without this zod probes `Function('')` once and trips a CSP violation report.
import { z } from 'zod';

z.config({ jitless: true });
