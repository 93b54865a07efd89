// Telegram Stars in the web chat: invoice cards with a Pay button, balances, refunds.
// Loaded before app.js; these functions use its helpers ($, el, api, state, toast) when called.
"use strict";

const invoices = new Map(); // "chat:message" -> { status, reason, paidBy, refunded, amount }
const stars = new Map(); // user id -> balance
const invoiceKey = (chatId, messageId) => `${chatId}:${messageId}`;

async function loadStars() {
  const found = await api.get("/stars").catch(() => null);
  if (!found) return;
  Object.entries(found.balances).forEach(([id, balance]) => stars.set(Number(id), balance));
  stars.opening = found.opening_balance;
  paintStars();
}

function starsOf(userId) {
  return stars.has(userId) ? stars.get(userId) : stars.opening ?? 0;
}

function paintStars() {
  document.querySelectorAll(".stars[data-user-id]").forEach((node) => {
    node.textContent = `⭐ ${starsOf(Number(node.dataset.userId))}`;
  });
}

function rememberInvoice(m) {
  const key = invoiceKey(m.chat.id, m.message_id);
  if (!m._invoice || invoices.has(key)) return;
  const known = m._invoice;
  let status = known.paying ? "pending" : "open";
  if (known.paid_by) status = known.refunded ? "refunded" : "paid";
  invoices.set(key, { status, paidBy: known.paid_by, amount: known.amount });
}

function renderInvoice(m) {
  rememberInvoice(m);
  const card = el("div", "invoice");
  const total = m.invoice.total_amount;
  card.append(
    el("div", "invoice-title", m.invoice.title),
    el("div", "invoice-description", m.invoice.description),
    el("div", "invoice-total", `⭐ ${total}`),
  );
  const status = el("div", "invoice-status");
  status.dataset.invoice = invoiceKey(m.chat.id, m.message_id);
  card.append(status);
  if (!m.reply_markup?.inline_keyboard) {
    const pay = el("button", "kb-btn pay");
    pay.type = "button";
    pay.append(el("span", "kb-label", `Pay ⭐ ${total}`));
    pay.addEventListener("click", () => payInvoice(m));
    card.append(pay);
  }
  paintInvoice(card, m);
  return card;
}

function paintInvoice(card, m) {
  const info = invoices.get(invoiceKey(m.chat.id, m.message_id)) || { status: "open" };
  const line = card.querySelector(".invoice-status");
  const who = info.paidBy ? nameOf(state.users.get(info.paidBy) || { first_name: "someone" }) : "";
  const texts = {
    open: "",
    pending: "Waiting for the bot to confirm the order…",
    paid: `Paid by ${who} ✓`,
    failed: `Payment failed: ${info.reason || "declined"}`,
    refunded: `Paid by ${who} · refunded ${info.amount ?? m.invoice.total_amount} ⭐`,
  };
  line.textContent = texts[info.status] ?? "";
  line.className = `invoice-status ${info.status}`;
  const done = info.status === "paid" || info.status === "refunded" || info.status === "pending";
  card.closest(".msg")?.querySelectorAll(".kb-btn.pay").forEach((b) => { b.disabled = done; });
}

async function payInvoice(m) {
  const key = invoiceKey(m.chat.id, m.message_id);
  invoices.set(key, { ...(invoices.get(key) || {}), status: "pending" });
  repaintInvoice(m.chat.id, m.message_id);
  try {
    const outcome = await api.post(`/chats/${m.chat.id}/messages/${m.message_id}/pay`, { user_id: state.speaker });
    stars.set(state.speaker, outcome.balance);
    paintStars();
    if (outcome.status === "paid") {
      invoices.set(key, { status: "paid", paidBy: state.speaker, amount: m.invoice.total_amount });
    } else {
      invoices.set(key, { status: "failed", reason: outcome.reason });
      toast(`Payment failed: ${outcome.reason}`, true);
    }
  } catch (error) {
    invoices.set(key, { status: "failed", reason: error.message });
    toast(error.message, true);
  }
  repaintInvoice(m.chat.id, m.message_id);
}

function repaintInvoice(chatId, messageId) {
  const m = messagesOf(chatId).get(messageId);
  const card = document.querySelector(`.msg[data-message-id="${messageId}"] .invoice`);
  if (m && card && m.chat.id === state.current.chatId) paintInvoice(card, m);
}

// Payment events come from any tab or a test's control call, not only this page's button.
function onPayment(event) {
  stars.set(event.user_id, event.balance);
  paintStars();
  const key = invoiceKey(event.chat_id, event.message_id);
  const info = { status: event.status, reason: event.reason, paidBy: event.user_id, amount: event.amount };
  if (event.status === "failed" && invoices.get(key)?.status === "paid") return;
  invoices.set(key, info);
  repaintInvoice(event.chat_id, event.message_id);
}

function paymentNote(m) {
  if (m.successful_payment) {
    const paid = m.successful_payment;
    return `${nameOf(senderOf(m))} paid ⭐ ${paid.total_amount}`;
  }
  if (m.refunded_payment) return `Refunded ${m.refunded_payment.total_amount} ⭐`;
  return null;
}
