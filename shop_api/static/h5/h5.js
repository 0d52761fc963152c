// The H5 storefront's behaviour, driven by data attributes (no inline script under the CSP).
document.addEventListener("change", (event) => {
  // Choosing a SKU shows its price.
  const input = event.target.closest("input[name=sku][data-price]");
  const price = document.querySelector("[data-price]:not(input)");
  if (input && price) price.textContent = input.dataset.price;
});
document.addEventListener("click", async (event) => {
  // Share: the phone's share sheet where there is one, else the link copied.
  const button = event.target.closest("[data-share]");
  if (!button) return;
  const data = {title: button.dataset.shareTitle || document.title, url: button.dataset.shareUrl || location.href};
  if (navigator.share) {
    try { await navigator.share(data); } catch (error) { /* the shopper closed the sheet */ }
    return;
  }
  await navigator.clipboard.writeText(data.url);
  button.textContent = button.dataset.copied;
});
// "Get a code": after sending, the button counts down the seconds before another may be asked for.
for (const button of document.querySelectorAll("[data-countdown]")) {
  let left = Number(button.dataset.countdown);
  if (!left) continue;
  const label = button.textContent;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.disabled = true;
    button.textContent = button.dataset.countdownText.replace("{s}", left);
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
// The address form's province / city / county pickers, filled from the region data; the chosen county (or a
// city without counties) is the region code the form sends.
for (const picker of document.querySelectorAll("[data-region-picker]")) {
  const code = picker.querySelector("input[name=region_code]");
  const [province, city, county] = ["province", "city", "county"].map((level) => picker.querySelector(`[data-level=${level}]`));
  fetch(picker.dataset.regionPicker).then((response) => response.json()).then((tree) => {
    const counties = (cityCode) => Object.entries(tree[cityCode] || {}).filter(([c]) => c.length === 6);
    const fill = (select, entries, chosen) => {
      select.length = 1;
      for (const [value, name] of entries) select.add(new Option(name, value, false, value === chosen));
      select.disabled = !entries.length;
    };
    const pick = () => { code.value = county.value || (city.value && !counties(city.value).length ? city.value : ""); };
    const initial = code.value;
    fill(province, Object.entries(tree["86"]), initial.slice(0, 2) + "0000");
    // A municipality's cities are "市辖区" / "县" in the data: shown, as on the address, by the municipality's name.
    const cityName = (name) => (name === "市辖区" || name === "县" ? tree["86"][province.value] : name);
    const showCities = (chosen) => fill(city, Object.entries(tree[province.value] || {}).map(([c, name]) => [c, cityName(name)]), chosen);
    const showCounties = (chosen) => fill(county, counties(city.value), chosen);
    showCities(Object.keys(tree[province.value] || {}).find((c) => c === initial || (tree[c] || {})[initial]));
    showCounties(initial);
    province.addEventListener("change", () => { showCities(); showCounties(); pick(); });
    city.addEventListener("change", () => { showCounties(); pick(); });
    county.addEventListener("change", pick);
  });
}
// Checkout: choosing another address prices the order again (its shipping fee may differ).
document.addEventListener("change", (event) => {
  const radio = event.target.closest("input[data-reprice]");
  if (radio) location.assign(radio.dataset.reprice);
});
// Paying inside WeChat: the signed JSAPI parameters go to WeChat's bridge; the result page asks WeChat Pay.
const jsapi = document.querySelector("[data-jsapi]");
if (jsapi) {
  const pay = () => window.WeixinJSBridge.invoke("getBrandWCPayRequest", JSON.parse(jsapi.dataset.jsapi), (answer) => {
    if (answer.err_msg === "get_brand_wcpay_request:ok") location.assign(jsapi.dataset.result);
    else { const note = document.createElement("p"); note.className = "note"; note.textContent = jsapi.dataset.failed; jsapi.after(note); }
  });
  if (window.WeixinJSBridge) pay(); else document.addEventListener("WeixinJSBridgeReady", pay, {once: true});
}
// The payment deadline, counting down.
for (const deadline of document.querySelectorAll("[data-deadline]")) {
  const end = Date.parse(deadline.dataset.deadline);
  const tick = () => {
    const left = Math.max(0, Math.floor((end - Date.now()) / 1000));
    deadline.textContent = deadline.dataset.deadlineText.replace("{m}", Math.floor(left / 60)).replace("{s}", left % 60);
    if (left > 0) setTimeout(tick, 1000);
  };
  if (end) tick();
}
// Campaign countdowns: "[data-ends]" counts down to its moment (days, then hh:mm:ss), then says data-over.
const clocks = document.querySelectorAll("[data-ends]");
const pad = (n) => String(n).padStart(2, "0");
const tickClocks = () => {
  for (const clock of clocks) {
    const left = Math.floor((Date.parse(clock.dataset.ends) - Date.now()) / 1000);
    if (left <= 0) { clock.textContent = clock.dataset.over || ""; continue; }
    const days = Math.floor(left / 86400);
    const time = `${pad(Math.floor(left % 86400 / 3600))}:${pad(Math.floor(left % 3600 / 60))}:${pad(left % 60)}`;
    clock.textContent = days ? `${days}${clock.dataset.days || "d"} ${time}` : time;
  }
};
if (clocks.length) { tickClocks(); setInterval(tickClocks, 1000); }
// A form that cannot be undone asks first.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
