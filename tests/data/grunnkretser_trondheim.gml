<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="https://skjema.geonorge.no/SOSI/produktspesifikasjon/StatistiskeEnheterGrunnkretser/20230101"
    gml:id="Grunnkretser_5001">
  <gml:featureMember>
    <app:Grunnkrets gml:id="gk-50010101">
      <app:grunnkretsnummer>50010101</app:grunnkretsnummer>
      <app:grunnkretsnavn>Torvet</app:grunnkretsnavn>
      <app:delomradenummer>500101</app:delomradenummer>
      <app:delomradenavn>Midtbyen</app:delomradenavn>
      <app:kommunenummer>5001</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="gk-50010101-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>270372.84 7041646.24 270396.86 7041979.86 270098.03 7042001.40 270073.97 7041667.78 270372.84 7041646.24</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
  <gml:featureMember>
    <app:Grunnkrets gml:id="gk-50010102">
      <app:grunnkretsnummer>50010102</app:grunnkretsnummer>
      <app:grunnkretsnavn>Kjøpmannsgata</app:grunnkretsnavn>
      <app:delomradenummer>500101</app:delomradenummer>
      <app:delomradenavn>Midtbyen</app:delomradenavn>
      <app:kommunenummer>5001</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="gk-50010102-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>270671.70 7041624.73 270695.70 7041958.35 270396.86 7041979.86 270372.84 7041646.24 270671.70 7041624.73</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
  <gml:featureMember>
    <app:Grunnkrets gml:id="gk-50010201">
      <app:grunnkretsnummer>50010201</app:grunnkretsnummer>
      <app:grunnkretsnavn>Bakklandet</app:grunnkretsnavn>
      <app:delomradenummer>500102</app:delomradenummer>
      <app:delomradenavn>Bakklandet</app:delomradenavn>
      <app:kommunenummer>5001</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="gk-50010201-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>270946.61 7041269.62 270970.57 7041603.24 270671.70 7041624.73 270647.71 7041291.10 270946.61 7041269.62</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
  <gml:featureMember>
    <app:Grunnkrets gml:id="gk-50010301">
      <app:grunnkretsnummer>50010301</app:grunnkretsnummer>
      <app:grunnkretsnavn>Møllenberg</app:grunnkretsnavn>
      <app:delomradenummer>500103</app:delomradenummer>
      <app:delomradenavn>Møllenberg</app:delomradenavn>
      <app:kommunenummer>5001</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="gk-50010301-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>271277.42 7041693.00 271301.35 7042026.63 271002.53 7042048.08 270978.56 7041714.45 271277.42 7041693.00</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
  <gml:featureMember>
    <app:Grunnkrets gml:id="gk-50310101">
      <app:grunnkretsnummer>50310101</app:grunnkretsnummer>
      <app:grunnkretsnavn>Hommelvik</app:grunnkretsnavn>
      <app:delomradenummer>503101</app:delomradenummer>
      <app:delomradenavn>Hommelvik</app:delomradenavn>
      <app:kommunenummer>5031</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="gk-50310101-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>290161.58 7038159.95 290183.51 7038493.68 289884.39 7038513.36 289862.42 7038179.63 290161.58 7038159.95</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
</gml:FeatureCollection>
