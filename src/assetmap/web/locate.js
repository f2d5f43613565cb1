// "Use my location" on the Add page: a button that asks the browser for its position only when
// pressed, and hands Python {lon, lat, accuracy} (metres) or {error: "refused"|"unavailable"}.
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let button = parentElement.querySelector("button");
  if (!button) {
    button = document.createElement("button");
    button.type = "button";
    parentElement.appendChild(button);
  }
  button.textContent = data.label;
  button.onclick = () => {
    if (!navigator.geolocation) {
      setTriggerValue("position", { error: "unavailable" });
      return;
    }
    button.disabled = true;
    button.textContent = data.waiting;
    const done = () => {
      button.disabled = false;
      button.textContent = data.label;
    };
    navigator.geolocation.getCurrentPosition(
      (position) => {
        done();
        const { longitude, latitude, accuracy } = position.coords;
        setTriggerValue("position", { lon: longitude, lat: latitude, accuracy });
      },
      (error) => {
        done();
        setTriggerValue("position", { error: error.code === 1 ? "refused" : "unavailable" });
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  };
}
