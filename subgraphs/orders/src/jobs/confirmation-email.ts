import {
  escapeHtml,
  formatMoney,
  stableMessageId,
  type MailMessage,
  type Recipient,
} from '@supergraph/mail';
import type { ConfirmationContent } from '../data/email-deliveries.ts';

export type ConfirmationEmailInput = ConfirmationContent & {
  recipient: Recipient;
  /** The sender address, which also names the domain of the Message-ID. */
  from: string;
};

/** The part of the id a customer can quote: the random tail of the UUIDv7. */
export function orderReference(orderId: string): string {
  return orderId.replaceAll('-', '').slice(-12);
}

/**
 * The confirmation sent when an order is placed. Product names and the customer's name come
 * from other people's input, so the HTML escapes every one of them.
 */
export function renderConfirmation({
  order,
  lines,
  recipient,
  from,
}: ConfirmationEmailInput): MailMessage {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const reference = orderReference(order.id);
  const priced = lines.map((line) => ({
    ...line,
    unit: money(line.unitPriceCents),
    total: money(line.unitPriceCents * line.quantity),
  }));
  const total = money(order.totalCents);

  const text = [
    `Hello ${recipient.name},`,
    '',
    `Thank you for your order #${reference}. This is what you ordered:`,
    '',
    ...priced.map((line) => `${line.name} × ${line.quantity}   ${line.unit} each   ${line.total}`),
    '',
    `Total: ${total}`,
    '',
    'You can follow its status in your account.',
    '',
  ].join('\n');

  const rows = priced
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.name)} × ${line.quantity}</td>` +
        `<td style="text-align:right">${escapeHtml(line.unit)} each</td>` +
        `<td style="text-align:right">${escapeHtml(line.total)}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html>
<body style="font-family:sans-serif">
<p>Hello ${escapeHtml(recipient.name)},</p>
<p>Thank you for your order <strong>#${reference}</strong>. This is what you ordered:</p>
<table cellpadding="4">
${rows}
<tr><td colspan="2"><strong>Total</strong></td><td style="text-align:right"><strong>${escapeHtml(total)}</strong></td></tr>
</table>
<p>You can follow its status in your account.</p>
</body>
</html>
`;

  return {
    messageId: stableMessageId('order-confirmation', order.id, from),
    to: { name: recipient.name, address: recipient.email },
    subject: `Thank you for your order #${reference}`,
    text,
    html,
  };
}
