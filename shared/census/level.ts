/** The level a census is run at, and a return package's level: one schema for the contract, packages and the UI. */
import { z } from 'zod';

export const levelSchema = z.enum(['county', 'city', 'province']);
export type Level = z.infer<typeof levelSchema>;
