/** 审核退回: questions (核实意见) an upper level sends a sub-area, and their answers. */
import { z } from 'zod';
import { method, tableSchema } from '../common';
import { downloadSchema, uploadSchema } from './io';

const int = z.number().int();

export const feedbackItemOut = z.object({
  id: z.string(),
  direction: z.enum(['sent', 'received']),
  /** sent: the area of the record (or the sub-area) asked; received: this census's area */
  areaCode: z.string(),
  /** Name of that area (sent) or of this area (received) */
  areaName: z.string(),
  /** sent: the sub-area (6-digit) the question goes to */
  subAreaCode: z.string(),
  table: tableSchema.nullable(),
  recordId: z.string().nullable(),
  recordLabel: z.string(),
  question: z.string(),
  askedBy: z.string(),
  askedAt: z.string(),
  fromAreaName: z.string().nullable(),
  fromOffice: z.string().nullable(),
  sentAt: z.string().nullable(),
  answer: z.string().nullable(),
  answeredBy: z.string().nullable(),
  answeredAt: z.string().nullable(),
  /** sent: draft (not yet in a file) → sent → answered; received: open → answered */
  status: z.enum(['draft', 'sent', 'answered', 'open']),
});

export const feedbackMethods = {
  /** Upper level: what it sent; county: what it received (a city also sees what its province sent it) */
  'feedback.list': method(z.object({}), z.object({ items: z.array(feedbackItemOut) })),
  /** Upper level: a question about one received record, or about a sub-area's whole return */
  'feedback.add': method(
    z.object({
      table: tableSchema.optional(),
      recordId: z.string().max(100).optional(),
      areaCode: z.string().regex(/^\d{6}$/).optional(),
      question: z.string().trim().min(1, '请填写核实意见').max(2000),
    }),
    feedbackItemOut,
  ),
  /** A question not yet sent can be withdrawn */
  'feedback.remove': method(z.object({ id: z.string() }), z.object({ removed: z.boolean() })),
  /** The signed feedback file (.hcfb) for one sub-area, with every unanswered question for it */
  'feedback.export': method(z.object({ areaCode: z.string().regex(/^\d{6}$/, '行政区划代码应为6位数字') }), downloadSchema.extend({ items: int })),
  /** Sub-area: takes a feedback file from the level above into its issues list */
  'feedback.import': method(
    uploadSchema,
    z.object({ added: int, already: int, fromAreaName: z.string(), fromOffice: z.string(), fingerprint: z.string(), newKey: z.boolean() }),
  ),
  /** Sub-area: answers one question (an empty answer withdraws it); the next package carries it */
  'feedback.answer': method(z.object({ id: z.string(), answer: z.string().max(2000) }), feedbackItemOut),
};
