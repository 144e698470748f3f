import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderConfirmation } from '../src/jobs/confirmation-email.ts';

const ORDER_ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const FROM = 'Shop <no-reply@shop.example>';

function render() {
  return renderConfirmation({
    order: {
      id: ORDER_ID,
      customerId: '0193a1b2-0000-7000-8000-000000000001',
      status: 'PENDING',
      totalCents: 2 * 1250 + 3 * 999,
      currency: 'EUR',
      createdAt: new Date('2026-11-22T10:00:00Z'),
    },
    lines: [
      { name: 'Mug', sku: 'MUG-1', quantity: 2, unitPriceCents: 1250 },
      {
        name: 'Tea <script>alert("x")</script> & co',
        sku: 'TEA-1',
        quantity: 3,
        unitPriceCents: 999,
      },
    ],
    recipient: { id: 'u1', name: 'Ada <Lovelace>', email: 'ada@example.com' },
    from: FROM,
  });
}

describe('renderConfirmation', () => {
  it('addresses the customer with a Message-ID that is the same on every attempt', () => {
    const message = render();
    assert.deepEqual(message.to, { name: 'Ada <Lovelace>', address: 'ada@example.com' });
    assert.equal(message.messageId, `<order-confirmation.${ORDER_ID}@shop.example>`);
    assert.equal(render().messageId, message.messageId);
    assert.equal(message.subject, 'Thank you for your order #0c1d2e3f4a5b');
  });

  it('lists every line with its quantity, unit and line price, and the total, in the text', () => {
    const { text } = render();
    assert.match(text, /Mug × 2 +€12\.50 each +€25\.00/);
    assert.ok(text.includes('Tea <script>alert("x")</script> & co × 3'), text);
    assert.match(text, /€9\.99 each +€29\.97/);
    assert.match(text, /Total: €54\.97/);
    assert.match(text, /#0c1d2e3f4a5b/);
  });

  it('lists the same in the HTML, with every name escaped', () => {
    const { html } = render();
    assert.ok(html.includes('Mug × 2'), html);
    assert.ok(html.includes('Tea &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co × 3'));
    assert.ok(html.includes('Hello Ada &lt;Lovelace&gt;,'));
    for (const price of ['€12.50', '€25.00', '€9.99', '€29.97', '€54.97']) {
      assert.ok(html.includes(price), `${price} missing`);
    }
    assert.ok(!html.includes('<script'), 'raw <script> in the HTML');
    assert.ok(!html.includes('<Lovelace>'), 'raw recipient name in the HTML');
  });
});
