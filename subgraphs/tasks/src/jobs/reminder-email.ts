import { escapeHtml, stableMessageId, type MailMessage, type Recipient } from '@supergraph/mail';

export type ReminderEmailInput = {
  task: { id: string; title: string; notes: string | null; dueAt: Date };
  recipient: Recipient;
  /** The sender address, whose domain the Message-ID uses. */
  from: string;
};

/** Recipients' time zones are unknown here, so the date is given in UTC and says so. */
const DUE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

export function formatDue(dueAt: Date): string {
  return `${DUE_FORMAT.format(dueAt)} UTC`;
}

/**
 * The reminder for one task and due date. The Message-ID is derived from both, so every
 * attempt at the same reminder carries the same one, and a new due date makes a new email.
 */
export function renderReminder({ task, recipient, from }: ReminderEmailInput): MailMessage {
  const due = formatDue(task.dueAt);
  const notesText = task.notes ? `\nNotes:\n${task.notes}\n` : '';
  const notesHtml = task.notes
    ? `<p>Notes:</p><p style="white-space: pre-wrap">${escapeHtml(task.notes)}</p>`
    : '';
  return {
    messageId: stableMessageId('task-reminder', `${task.id}.${task.dueAt.getTime()}`, from),
    to: { name: recipient.name, address: recipient.email },
    subject: `Reminder: "${task.title}" is due ${due}`,
    text: `Hello ${recipient.name},\n\nThe task "${task.title}" is due ${due}.\n${notesText}`,
    html:
      `<p>Hello ${escapeHtml(recipient.name)},</p>` +
      `<p>The task <strong>${escapeHtml(task.title)}</strong> is due ${escapeHtml(due)}.</p>` +
      notesHtml,
  };
}
